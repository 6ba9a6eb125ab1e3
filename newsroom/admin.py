"""What the apps' admins share: the admin of rows that the code writes
and the desk only reads (logs, suggestions, the list of every entity)."""


class ReadOnlyAdminMixin:
    """Nothing is added or changed here, whatever the user's permissions:
    the rows are written by the code that did the work. Reading needs the
    view permission; deleting is the model's delete permission's to say."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditLogAdminMixin(ReadOnlyAdminMixin):
    """An audit log: read only, and never deleted, not even by those who may
    delete the rows it is about."""

    def has_delete_permission(self, request, obj=None):
        return False
