"""``GET /api/v1/namespaces/NS/pods/NAME/log``: a container's log, as plain text.

Options as ``PodLogOptions`` (staging/src/k8s.io/api/core/v1/types.go): ``container``,
``tailLines``, ``timestamps``, ``previous``, ``follow``, ``limitBytes``, ``sinceSeconds``,
``sinceTime`` (a wall-clock time, as every time the served API shows; ValidatePodLogOptions
refuses a ``sinceSeconds`` under 1 with a 422).
With ``follow=true`` the answer stays open and new lines are written as the app logs them;
it ends when the container's instance ends (the pod deleted, the container restarted), as
the kubelet's ``ReadLogs`` stops when the container is no longer running.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from ... import clock, podlogs
from ...errors import ValidationError
from ...kubectl import gotime
from ...kubectl.logs import check_log_options, since_lines
from .. import status as st

__all__ = ["pod_log", "FOLLOW_POLL"]

#: How often a follower looks for new lines (seconds).
FOLLOW_POLL = 0.2


def _bool(query, name: str) -> bool:
    return query.get(name, "false").lower() in ("true", "1")


def _int(query, name: str) -> int | None:
    if name not in query:
        return None
    try:
        return int(query[name])
    except ValueError:
        raise st.StatusError(st.status("BadRequest", f'strconv.ParseInt: parsing "{query[name]}": invalid syntax')) \
            from None


def _error(e: podlogs.LogError) -> st.StatusError:
    return st.StatusError(st.status(e.reason, e.message))


async def pod_log(ctx, request: web.Request) -> web.StreamResponse:
    """Serve one log request."""
    ns, name = request.match_info["namespace"], request.match_info["name"]
    q = request.query
    container, tail, limit = q.get("container") or None, _int(q, "tailLines"), _int(q, "limitBytes")
    since = _int(q, "sinceSeconds")
    since_time = None
    if q.get("sinceTime"):
        try:
            when = gotime.parse_rfc3339(q["sinceTime"])
        except gotime.TimeParseError as e:
            raise st.StatusError(st.bad_request(str(e))) from None
        since_time = (when - clock.EPOCH).total_seconds() - (ctx.cluster.clock.wall_offset or 0)
    timestamps, previous, follow = _bool(q, "timestamps"), _bool(q, "previous"), _bool(q, "follow")
    cluster = ctx.cluster
    try:
        check_log_options(name, since)
    except ValidationError as e:
        raise st.StatusError(st.invalid(e)) from None

    def read():
        lines = since_lines(cluster, ns, name, container=container, tail=tail, timestamps=timestamps,
                            previous=previous, since_seconds=since, since_time=since_time)
        pod = cluster.store.get("Pod", ns, name)
        cname = container or pod["spec"]["containers"][0]["name"]
        return lines, pod["metadata"].get("uid"), cname, podlogs.written(cluster, pod, cname)

    def on_wall(lines):
        # --timestamps: the kubelet's prefix is a time kubectl's user reads against the wall clock
        # (as every time the served API shows: clock.to_wall).
        offset = cluster.clock.wall_offset
        if not (timestamps and offset):
            return lines
        return [clock.to_wall({"time": line[:30]}, offset)["time"] + line[30:] for line in lines]

    try:
        lines, uid, cname, seen = ctx.call(read)
    except podlogs.LogError as e:
        raise _error(e) from None
    lines = on_wall(lines)
    body = "".join(lines).encode()
    if limit is not None and limit >= 0:
        body = body[:limit]
    if not follow:
        return web.Response(body=body, headers={"Content-Type": "text/plain"})
    resp = web.StreamResponse(headers={"Content-Type": "text/plain", "Transfer-Encoding": "chunked"})
    await resp.prepare(request)
    await resp.write(body)

    def more(seen_now):
        pod = cluster.store.get("Pod", ns, name)
        if pod is None or pod["metadata"].get("uid") != uid:
            return None, seen_now
        state = next((cs.get("state") or {} for cs in (pod.get("status") or {}).get("containerStatuses") or []
                      if cs["name"] == cname), {})
        if "running" not in state:
            return None, seen_now
        return podlogs.new_lines(cluster, pod, cname, seen_now, timestamps=timestamps)

    try:
        while True:
            await asyncio.sleep(FOLLOW_POLL)
            fresh, seen = ctx.call(more, seen)
            if fresh is None:
                break
            if fresh:
                await resp.write("".join(on_wall(fresh)).encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return resp
