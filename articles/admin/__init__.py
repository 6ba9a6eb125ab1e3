"""The desk's admin for stories, sections, pictures, authors and the audit
log. The ModelAdmins are configuration (stories.py, library.py,
transitions.py); the pages a story has besides its change form are views of
their own in articles/admin/views/, and the rules of a save are
articles.editing's. Importing the package registers them all."""

from articles.admin import library, stories, transitions  # noqa: F401
