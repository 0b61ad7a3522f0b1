"""The service owner's pages: users and the audit log."""
