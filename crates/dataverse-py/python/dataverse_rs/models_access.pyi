from .models import Model

class SavedFile(Model):
    path: str
    bytes: int

class FileAccessRequest(Model):
    identifier: str
    display_name: str
    email: str
    request_state: str | None
