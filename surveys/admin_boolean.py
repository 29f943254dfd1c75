"""The admin's yes/no icons described in the page's language.

Django draws a boolean column (and a read-only boolean field) as an icon whose alt text is the
Python value itself, `alt="True"`, `alt="False"`, `alt="None"`, whatever the language: what a screen
reader says on a Chinese page. Every place that draws one (the change list, the read-only field,
`display_for_value`) imports `_boolean_icon` from admin_list when it draws, so it is replaced there.
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import pgettext_lazy

ICONS = {True: "yes", False: "no", None: "unknown"}
ALT = {
    True: pgettext_lazy("管理后台的是/否图标", "是"),
    False: pgettext_lazy("管理后台的是/否图标", "否"),
    None: pgettext_lazy("管理后台的是/否图标", "未知"),
}


def boolean_icon(value):
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{ICONS[value]}.svg"), ALT[value])


admin_list._boolean_icon = boolean_icon
