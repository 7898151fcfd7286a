"""Dependencies the routes declare: the services built once in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from indexer.bootstrap import Services
from indexer.job_service import JobService


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_jobs(request: Request) -> JobService:
    jobs: JobService = request.app.state.jobs
    return jobs


JobsDep = Annotated[JobService, Depends(get_jobs)]
