"""The pages a story has in the admin besides its change form."""
