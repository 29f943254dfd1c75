"""Users and groups in the admin, with their permissions named in the page's language.

Django stores a permission's name once, in English ("Can add survey"), and shows it so on the
user and group pages; here each of the four standard ones is named from its model's translated
name ("满意度调查 | 可添加调查"). Left out of the lists, as they would grant nothing:
django-axes' models (its attempts live in the cache, settings.AXES_HANDLER), and DRF's Token
model, whose admin page is its proxy's (TokenProxy, with permissions of its own under the same
name: each token permission was listed twice).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.utils.translation import gettext_lazy as _

from surveys.admin_names import DateAndTimeNamedMixin

ACTIONS = {
    "add": _("可添加%(model)s"),
    "change": _("可修改%(model)s"),
    "delete": _("可删除%(model)s"),
    "view": _("可查看%(model)s"),
}
UNUSED_APPS = ("axes",)
UNUSED_MODELS = (("authtoken", "token"),)


def permission_label(permission: Permission) -> str:
    """ "满意度调查 | 可添加调查"; a permission other than the four of every model keeps its name."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or permission.codename != f"{action}_{model._meta.model_name}" or action not in ACTIONS:
        return str(permission)
    meta = model._meta
    return f"{meta.app_config.verbose_name} | " + ACTIONS[action] % {"model": meta.verbose_name}


class PermissionsNamedInTheirLanguage:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.exclude(content_type__app_label__in=UNUSED_APPS)
            for app_label, model in UNUSED_MODELS:
                field.queryset = field.queryset.exclude(
                    content_type__app_label=app_label, content_type__model=model
                )
            field.label_from_instance = permission_label
        return field


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class SurveyUserAdmin(DateAndTimeNamedMixin, PermissionsNamedInTheirLanguage, UserAdmin):
    pass


@admin.register(Group)
class SurveyGroupAdmin(PermissionsNamedInTheirLanguage, GroupAdmin):
    pass
