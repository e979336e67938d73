"""A host site's funnel: its sessions by the steps they reached, where they stopped, how long
each step took and which branch they took."""

from __future__ import annotations

from datetime import date

import strawberry

from workflows.funnel import BranchFigures, FunnelFigures, FunnelReport, StepFigures


@strawberry.type(description="One step of the funnel.")
class FunnelStep:
    step: str = strawberry.field(description="The step's id.")
    reached: int = strawberry.field(description="Sessions that reached the step.")
    dropped: int = strawberry.field(
        description="Sessions not finished whose last step this is (the drop-off)."
    )
    median_seconds: float | None = strawberry.field(
        description="Median time spent on a visit of the step (log buckets: within ±9%)."
    )
    p90_seconds: float | None = strawberry.field(
        description="The time 9 visits in 10 of the step stay within (log buckets: within ±9%)."
    )

    @staticmethod
    def of(figures: StepFigures) -> FunnelStep:
        return FunnelStep(
            step=figures.step,
            reached=figures.reached,
            dropped=figures.dropped,
            median_seconds=figures.median_seconds,
            p90_seconds=figures.p90_seconds,
        )


@strawberry.type(description="One answer of a branch.")
class FunnelOption:
    option: str = strawberry.field(description="The answer.")
    sessions: int = strawberry.field(description="Sessions that gave it.")


@strawberry.type(description="A question that splits the flow, and how the sessions answered.")
class FunnelBranch:
    name: str = strawberry.field(description="intent, buyer or search.")
    options: list[FunnelOption] = strawberry.field(description="Each answer, with its sessions.")

    @staticmethod
    def of(figures: BranchFigures) -> FunnelBranch:
        options = [FunnelOption(option=o, sessions=n) for o, n in figures.options]
        return FunnelBranch(name=figures.name, options=options)


@strawberry.type(description="The funnel of one version (and variant) of a flow.")
class WorkflowFunnel:
    workflow: str = strawberry.field(description="The flow's name.")
    version: int = strawberry.field(description="Its version.")
    variant: str = strawberry.field(description="The site's variant (`default` without variants).")
    started: int = strawberry.field(description="Sessions started.")
    leads: int = strawberry.field(description="Sessions that submitted a lead.")
    steps: list[FunnelStep] = strawberry.field(
        description="Each step's reach, drop-off and time spent."
    )
    branches: list[FunnelBranch] = strawberry.field(description="The branches taken.")

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
    first_day: date = strawberry.field(description="The first day counted (UTC).")
    last_day: date = strawberry.field(description="The last day counted (UTC).")
    funnels: list[WorkflowFunnel] = strawberry.field(
        description="One per flow version and variant."
    )

    @staticmethod
    def of(report: FunnelReport) -> Funnel:
        return Funnel(
            first_day=report.first_day,
            last_day=report.last_day,
            funnels=[WorkflowFunnel.of(funnel) for funnel in report.funnels],
        )
