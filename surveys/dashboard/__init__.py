"""The staff dashboard: quota progress, flagged responses, review and the audit log."""
