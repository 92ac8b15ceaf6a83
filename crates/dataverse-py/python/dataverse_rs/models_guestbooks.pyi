from typing import Any, List, Optional

from .models import Model

class Guestbook(Model):
    id: int
    name: Optional[str]
    enabled: bool
    email_required: bool
    name_required: bool
    institution_required: bool
    position_required: bool
    usage_count: Optional[int]
    response_count: Optional[int]
    custom_questions: Optional[List[Model]]
    create_time: Optional[str]
    dataverse_id: Optional[int]

class RecordedResponse(Model):
    id: int
    dataset: str
    dataset_pid: str
    date: str
    type: str
    file_name: str
    file_id: int
    file_pid: Optional[str]
    name: Optional[str]
    email: Optional[str]
    institution: Optional[str]
    position: Optional[str]
    custom_questions: Optional[List[Model]]

class GuestbookResponses(Model):
    guestbook: Guestbook
    responses: List[RecordedResponse]
    pagination: Optional[Model]

class GuestbookAtRequest(Model):
    at_request: bool
    set_on_dataset: bool
