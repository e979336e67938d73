"""A host site's funnel: its sessions by the steps they reached, where they stopped, how long
each step took and which branch they took."""

from __future__ import annotations

from datetime import date

import strawberry

from workflows.funnel import BranchFigures, FunnelFigures, FunnelReport, StepFigures


@strawberry.type
class FunnelStep:
    step: str
    reached: int = strawberry.field(description="Sessions that reached the step.")
    dropped: int = strawberry.field(
        description="Sessions not finished whose last step this is (the drop-off)."
    )
    median_seconds: float | None = strawberry.field(
        description="Median time spent on a visit of the step (log buckets: within ±9%)."
    )
    p90_seconds: float | None

    @staticmethod
    def of(figures: StepFigures) -> FunnelStep:
        return FunnelStep(
            step=figures.step,
            reached=figures.reached,
            dropped=figures.dropped,
            median_seconds=figures.median_seconds,
            p90_seconds=figures.p90_seconds,
        )


@strawberry.type
class FunnelOption:
    option: str
    sessions: int


@strawberry.type
class FunnelBranch:
    name: str = strawberry.field(description="intent, buyer or search.")
    options: list[FunnelOption]

    @staticmethod
    def of(figures: BranchFigures) -> FunnelBranch:
        options = [FunnelOption(option=o, sessions=n) for o, n in figures.options]
        return FunnelBranch(name=figures.name, options=options)


@strawberry.type
class WorkflowFunnel:
    workflow: str
    version: int
    variant: str
    started: int
    leads: int = strawberry.field(description="Sessions that submitted a lead.")
    steps: list[FunnelStep]
    branches: list[FunnelBranch]

    @staticmethod
    def of(figures: FunnelFigures) -> WorkflowFunnel:
        return WorkflowFunnel(
            workflow=figures.key.workflow,
            version=figures.key.version,
            variant=figures.key.variant,
            started=figures.started,
            leads=figures.leads,
            steps=[FunnelStep.of(step) for step in figures.steps],
            branches=[FunnelBranch.of(branch) for branch in figures.branches],
        )


@strawberry.type(description="The sessions started on the days from firstDay to lastDay (UTC).")
class Funnel:
    first_day: date
    last_day: date
    funnels: list[WorkflowFunnel]

    @staticmethod
    def of(report: FunnelReport) -> Funnel:
        return Funnel(
            first_day=report.first_day,
            last_day=report.last_day,
            funnels=[WorkflowFunnel.of(funnel) for funnel in report.funnels],
        )
