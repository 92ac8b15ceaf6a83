from typing import Optional

from .models import Model

class MetricRow(Model):
    date: Optional[str]
    subject: Optional[str]
    category: Optional[str]
    contenttype: Optional[str]
    id: Optional[int]
    pid: Optional[str]
    count: Optional[int]
    size: Optional[int]
