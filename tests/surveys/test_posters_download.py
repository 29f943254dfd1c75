"""全部二维码海报: the QR posters of every link still handed out, a page each, in one PDF, so that a
town's staff print all the villages' at once instead of downloading one PDF per link."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from surveys.models import Group, Invitation, SurveyMembership, Village
from tests.surveys.staff_factories import make_member, make_response
from tests.surveys.test_paper_form import pages_as_png, pdf_text, qr_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(survey):
    """东村's link (make_survey) and 西村's in use; the staff's single-use link used up, one
    switched off and one past its close: only the first two are handed out."""
    villager, staff = (
        Group.objects.get(survey=survey, code="villager"),
        Group.objects.get(survey=survey, code="staff"),
    )
    west = Village.objects.get(survey=survey, code="west")
    Invitation.objects.create(survey=survey, token="hill-west", group=villager, village=west)
    used = Invitation.objects.create(survey=survey, token="hill-staff-once", group=staff, single_use=True)
    make_response(survey, group="staff", village=None, age_band=None, invitation=used)
    Invitation.objects.create(survey=survey, token="hill-staff-off", group=staff, is_active=False)
    Invitation.objects.create(
        survey=survey, token="hill-staff-late", group=staff, closes_at=timezone.now() - timedelta(days=1)
    )
    return survey


def client_of(survey, role=SurveyMembership.Role.STAFF) -> Client:
    client = Client()
    client.force_login(make_member(survey, f"member-{role}", role))
    return client


def test_staff_download_every_link_handed_out_as_a_poster_a_page_each(links, tmp_path):
    reply = client_of(links).get(f"/staff/{links.slug}/posters.pdf")
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == 'attachment; filename="hill-2024-posters.pdf"'
    pdf = tmp_path / "posters.pdf"
    pdf.write_bytes(reply.content)
    pages = pages_as_png(pdf, tmp_path, dpi=100)
    east, west = (Invitation.objects.get(token=t) for t in ("hill-2024-east", "hill-west"))
    assert [qr_codes(page) for page in pages] == [[east.url], [west.url]]  # in the table's order
    text = pdf_text(pdf)
    assert text.index("东村·村民群众") < text.index("西村·村民群众")
    assert "政府工作人员" not in text  # used up, switched off, closed: not to be handed out


def test_the_dashboard_offers_them_with_their_count_to_staff_only(links):
    staff = client_of(links)
    page = staff.get(f"/staff/{links.slug}/").content.decode()
    assert 'href="/staff/hill-2024/posters.pdf"' in page
    assert "全部二维码海报（PDF，2 页，每个可发出的链接一页）" in page
    english = staff.get(f"/staff/{links.slug}/?lang=en").content.decode()
    assert "All the QR posters (PDF, 2 pages, one for each link to hand out)" in english
    evaluator = client_of(links, SurveyMembership.Role.EVALUATOR)
    assert "posters.pdf" not in evaluator.get(f"/staff/{links.slug}/").content.decode()
    assert evaluator.get(f"/staff/{links.slug}/posters.pdf").status_code == 403


def test_one_link_has_its_own_poster_and_none_is_a_clear_404(survey):
    staff = client_of(survey)
    assert "posters.pdf" not in staff.get(f"/staff/{survey.slug}/").content.decode()  # its own PDF will do
    assert staff.get(f"/staff/{survey.slug}/posters.pdf").status_code == 200
    Invitation.objects.filter(survey=survey).update(is_active=False)
    assert staff.get(f"/staff/{survey.slug}/posters.pdf").status_code == 404


def test_the_posters_command_writes_them_into_one_pdf_on_asking(links, tmp_path, capsys):
    from django.core.management import call_command

    pdf = tmp_path / "all.pdf"
    call_command("posters", links.slug, "--pdf", str(pdf))
    active = list(Invitation.objects.filter(survey=links, is_active=True).order_by("pk"))
    pages = pages_as_png(pdf, tmp_path, dpi=100)
    assert sorted(code for page in pages for code in qr_codes(page)) == sorted(i.url for i in active)
    assert capsys.readouterr().err.strip() == f"已把 {len(active)} 张海报合成一个 PDF（每页一张）：{pdf}"
    assert not (tmp_path / "posters").exists()  # no folder besides
