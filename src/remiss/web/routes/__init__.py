"""One router per page of the desk."""
