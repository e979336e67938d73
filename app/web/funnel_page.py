"""`/funnel`: the operators' page of the funnel, charts as server-drawn SVG.

Who may read it is the metrics page's rule (`operator_refusal`: a loopback client in
development, else the metrics token). The page has no script and no style: the API's policy
(`default-src 'none'`) holds, and the bars are drawn with SVG presentation attributes, which a
policy does not govern. `?site=…&from=YYYY-MM-DD&to=YYYY-MM-DD&workflow=…` choose what it shows
(all sites, the last 30 days by default; `to` excluded)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from app.settings import Settings
from app.web.metrics_route import operator_refusal
from workflows.funnel import FunnelFigures, FunnelReport

DEFAULT_DAYS = 30
BAR_WIDTH, ROW, LABEL = 420, 22, 190
REACHED, DROPPED, BRANCH = "#3b6ea5", "#c8553d", "#588b5a"


def funnel_route(settings: Settings) -> Route:
    async def page(request: Request) -> Response:
        refusal = operator_refusal(settings, request)
        if refusal is not None:
            return refusal
        try:
            first, last = _period(request.query_params.get("from"), request.query_params.get("to"))
        except ValueError:
            return PlainTextResponse("from and to are dates: YYYY-MM-DD.", status_code=400)
        site, workflow = request.query_params.get("site"), request.query_params.get("workflow")
        report = await request.app.state.container.funnel.report(first, last, site, workflow)
        return HTMLResponse(render(report, site))

    return Route("/funnel", page, methods=["GET"])


def _period(since: str | None, until: str | None) -> tuple[date, date]:
    end = date.fromisoformat(until) if until else datetime.now(UTC).date() + timedelta(days=1)
    first = date.fromisoformat(since) if since else end - timedelta(days=DEFAULT_DAYS)
    return first, end - timedelta(days=1)


def render(report: FunnelReport, site: str | None) -> str:
    period = f"{report.first_day} to {report.last_day}"
    title = f"Funnel of {escape(site or 'every site')}, sessions started {period} (UTC)"
    body = "".join(_funnel(funnel) for funnel in report.funnels) or "<p>No session started.</p>"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1>{body}</body></html>"
    )


def _funnel(funnel: FunnelFigures) -> str:
    key = funnel.key
    rate = f"{100 * funnel.leads / funnel.started:.1f}%" if funnel.started else "-"
    heading = f"{key.site_id}: {key.workflow} v{key.version}, variant {key.variant}"
    steps = [s for s in funnel.steps if s.reached]
    bars = [(s.step, s.reached, s.dropped) for s in steps]
    rows = "".join(
        f"<tr><td>{escape(s.step)}</td><td>{s.reached}</td><td>{s.dropped}</td>"
        f"<td>{_seconds(s.median_seconds)}</td><td>{_seconds(s.p90_seconds)}</td></tr>"
        for s in steps
    )
    branches = "".join(
        f"<h3>{escape(b.name)}</h3>"
        + _chart([(option, n, 0) for option, n in b.options], f"{b.name} branch", BRANCH)
        for b in funnel.branches
    )
    return (
        f"<section><h2>{escape(heading)}</h2><p>{funnel.started} sessions started, "
        f"{funnel.leads} reached a lead ({rate}).</p>"
        f"{_chart(bars, 'sessions reaching each step, and stopping there', REACHED)}"
        "<table><thead><tr><th>step</th><th>reached</th><th>stopped here</th>"
        "<th>median time</th><th>p90 time</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><h2>Branches</h2>{branches}</section>"
    )


def _chart(bars: list[tuple[str, int, int]], label: str, colour: str) -> str:
    """Horizontal bars: the count in `colour`, the part that stopped there over it in red."""
    most = max((n for _, n, _ in bars), default=0) or 1
    height = ROW * len(bars) + 4
    width = LABEL + BAR_WIDTH + 60
    parts = []
    for index, (name, count, dropped) in enumerate(bars):
        y = index * ROW + 2
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(name)}</text>"
            f'<rect x="{LABEL}" y="{y}" width="{BAR_WIDTH * count / most:.1f}" height="{ROW - 4}"'
            f' fill="{colour}"><title>{count}</title></rect>'
        )
        if dropped:
            parts.append(
                f'<rect x="{LABEL}" y="{y + 5}" width="{BAR_WIDTH * dropped / most:.1f}" '
                f'height="{ROW - 14}" fill="{DROPPED}"><title>{dropped} stopped</title></rect>'
            )
        parts.append(
            f'<text x="{LABEL + BAR_WIDTH * count / most + 4:.1f}" y="{y + 15}" '
            f'font-size="12">{count}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">{"".join(parts)}</svg>'
    )


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} s" if value < 60 else f"{value / 60:.1f} min"
