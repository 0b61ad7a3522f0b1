"""Sign-in and the declaration of who may use each route."""
