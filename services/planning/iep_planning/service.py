"""The planning service as the kernel runs it: events, routes, migrations, worker parts."""

from __future__ import annotations

from fastapi import APIRouter
from iep_kernel.events import EventRegistry
from iep_kernel.service import ServiceSpec

service = ServiceSpec(name="planning", registry=EventRegistry("planning"),
                      router=APIRouter(prefix="/api/planning"))
