"""The Expedia properties the reconciler tests use (a test module never imports a conftest: another folder's shadows it)."""

PROPERTY = "12345678"
OTHER_PROPERTY = "87654321"  # a property no hotel is connected to
