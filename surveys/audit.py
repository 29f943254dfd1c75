"""The audit log's actions as people read them, in the page's language (AuditEntry.action holds
the code the service wrote). An action missing here shows its code."""

from django.utils.translation import pgettext_lazy

from surveys.services.paper import RESOLVED
from surveys.services.review import (
    EXCLUDED,
    EXCLUDED_BATCH,
    EXCLUDED_IN_BATCH,
    INCLUDED,
    KEPT,
    KEPT_BATCH,
    KEPT_IN_BATCH,
)

ACTION_LABELS = {
    EXCLUDED: pgettext_lazy("审计日志的操作", "剔除答卷"),
    INCLUDED: pgettext_lazy("审计日志的操作", "恢复计入"),
    KEPT: pgettext_lazy("审计日志的操作", "核实保留"),
    KEPT_BATCH: pgettext_lazy("审计日志的操作", "批量核实保留"),
    KEPT_IN_BATCH: pgettext_lazy("审计日志的操作", "核实保留（批量）"),
    EXCLUDED_BATCH: pgettext_lazy("审计日志的操作", "批量剔除"),
    EXCLUDED_IN_BATCH: pgettext_lazy("审计日志的操作", "剔除答卷（批量）"),
    RESOLVED: pgettext_lazy("审计日志的操作", "裁定纸质问卷"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
