"""Fetching URLs safely: http(s) only, no private addresses, capped size and time.

Safety measures of :func:`fetch_url`:

* only ``http`` and ``https`` URLs, for the first URL and every redirect;
* redirects are followed by hand (at most ``max_redirects``), each target
  re-checked;
* the host is resolved once (``socket.getaddrinfo`` by default) and every
  address it resolves to is checked with :mod:`ipaddress`: private,
  loopback, link-local, multicast, reserved, unspecified and other
  non-global addresses are refused unless ``allow_private=True``;
* against DNS rebinding, the request is sent to the checked IP address
  itself (the URL's host replaced by the IP, the ``Host`` header set to
  the original host, and for https the TLS server name (SNI) and the
  certificate check set to the original host through httpx's
  ``sni_hostname`` extension), so no second lookup can change the target.
  Connections are not reused (``Connection: close``), so a TLS connection
  checked for one host name is never used for another;
* the whole fetch, redirects included, must finish within ``timeout``
  seconds (httpx's per-operation timeouts plus an overall deadline checked
  while the body streams in);
* the body is streamed and abandoned past ``max_bytes``, both as sent and
  after gzip decompression (which is done here, in bounded steps, so a gzip
  bomb cannot inflate in memory);
* proxies and other settings from the environment are ignored (the
  default client has ``trust_env=False``).

DNS resolution itself has no timeout beyond the system resolver's own.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TypeAlias

import httpx

from corroborate.errors import FetchError, InputTooLarge, UnsafeURL
from corroborate.readers._common import DEFAULT_MAX_BYTES, describe_size
from corroborate.readers._sniff import content_type_charset

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "Fetched",
    "Fetcher",
    "Resolver",
    "fetch_url",
    "system_resolver",
]

DEFAULT_TIMEOUT = 20.0
MAX_REDIRECTS = 5
USER_AGENT = "corroborate/0.1 (news incident reader)"

#: Resolves ``(host, port)`` to IP address strings.
Resolver: TypeAlias = Callable[[str, int], Sequence[str]]

_HOSTNAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEMES = frozenset({"http", "https"})
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)

_IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from ``socket.getaddrinfo``, in its order, deduplicated."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: final URL (after redirects), status, Content-Type, body.

    ``etag`` and ``last_modified`` are the response's validators, for a later
    conditional request; ``status`` 304 (with an empty body) answers one.
    """

    url: str
    status: int
    content_type: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def media_type(self) -> str | None:
        """The Content-Type without parameters, lower-cased (``text/html``)."""
        if not self.content_type:
            return None
        return self.content_type.split(";", 1)[0].strip().lower() or None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of the Content-Type, if any."""
        return content_type_charset(self.content_type)


class Fetcher:
    """The network collaborator of the readers: an httpx client and a resolver.

    Pass one to :func:`fetch_url` / ``read_sources`` to share connections
    settings across fetches, or to substitute a client (e.g. one with an
    ``httpx.MockTransport`` in tests) or a resolver. A Fetcher made without
    a client owns the one it creates and closes it in :meth:`close`;
    a client passed in is left to its owner.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        resolver: Resolver | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._owns_client = client is None
        self.client = (
            client if client is not None else httpx.Client(trust_env=False, follow_redirects=False)
        )
        self.resolver: Resolver = resolver if resolver is not None else system_resolver
        self.user_agent = user_agent

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` (an IP literal resolves to itself)."""
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        return [address.split("%", 1)[0] for address in self.resolver(host, port)]

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def fetch_url(
    url: str,
    *,
    fetcher: Fetcher | None = None,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """GET ``url`` with the safety measures described in this module.

    Returns the final 2xx response with its (decompressed) body, or a 304
    with no body. ``headers`` are sent too (e.g. ``If-None-Match`` and
    ``If-Modified-Since`` for a conditional request; they cannot replace
    ``Host``). Raises
    :class:`~corroborate.errors.UnsafeURL` (reason "bad-scheme" or
    "unsafe-url"), :class:`~corroborate.errors.InputTooLarge` ("too-large")
    or :class:`~corroborate.errors.FetchError` ("bad-url", "timeout",
    "http-error", "too-many-redirects", "fetch-failed").
    """
    if fetcher is None:
        with Fetcher() as own:
            return fetch_url(
                url,
                fetcher=own,
                allow_private=allow_private,
                timeout=timeout,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                headers=headers,
            )
    deadline = time.monotonic() + timeout
    current = _parse_url(url)
    for _hop in range(max_redirects + 1):
        result = _fetch_once(
            current,
            fetcher=fetcher,
            allow_private=allow_private,
            deadline=deadline,
            max_bytes=max_bytes,
            extra_headers=headers,
        )
        if isinstance(result, Fetched):
            return result
        current = result
    raise FetchError(f"more than {max_redirects} redirects from {url}", reason="too-many-redirects")


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}", reason="bad-url") from exc
    _check_scheme(parsed)
    _check_host(parsed, shown=url)
    return parsed


def _check_host(url: httpx.URL, *, shown: object) -> None:
    """A URL needs a host: an IP literal or a DNS name (no spaces, no escapes)."""
    host = url.raw_host.decode("ascii", "replace")
    if not host:
        raise FetchError(f"URL {shown!r} has no host", reason="bad-url")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.match(host):
            raise FetchError(
                f"URL {shown!r} has an invalid host {host!r}", reason="bad-url"
            ) from None


def _check_scheme(url: httpx.URL) -> None:
    if url.scheme not in _SCHEMES:
        raise UnsafeURL(
            f"only http and https URLs are fetched, not {url.scheme or 'scheme-less'} URLs ({url})",
            reason="bad-scheme",
        )


def _unsafe_kind(ip: _IPAddress) -> str | None:
    """What makes an address unfit to fetch from (None when it is a public one)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            kind = _unsafe_kind(embedded)
            if kind is not None:
                return kind
        if ip.teredo is not None:
            kind = _unsafe_kind(ip.teredo[1])
            if kind is not None:
                return kind
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    for kind, flagged in checks:
        if flagged:
            return kind
    return None


def _addresses(host: str, port: int, *, fetcher: Fetcher, allow_private: bool) -> list[str]:
    try:
        addresses = fetcher.resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"could not resolve host {host}: {exc}", reason="fetch-failed") from exc
    if not addresses:
        raise FetchError(f"host {host} has no address", reason="fetch-failed")
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError as exc:
            raise FetchError(
                f"host {host} resolved to a non-address {address!r}", reason="fetch-failed"
            ) from exc
        kind = _unsafe_kind(ip)
        if kind is not None and not allow_private:
            raise UnsafeURL(
                f"host {host} resolves to {address}, a {kind} address; "
                "fetching from private networks is not allowed",
                reason="unsafe-url",
            )
    return addresses


def _remaining(deadline: float, url: httpx.URL) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"timed out fetching {url}", reason="timeout")
    return left


def _fetch_once(
    url: httpx.URL,
    *,
    fetcher: Fetcher,
    allow_private: bool,
    deadline: float,
    max_bytes: int,
    extra_headers: Mapping[str, str] | None = None,
) -> Fetched | httpx.URL:
    """One request: the response, or the URL it redirects to."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = _addresses(host, port, fetcher=fetcher, allow_private=allow_private)
    headers = {
        **{k: v for k, v in (extra_headers or {}).items() if k.lower() != "host"},
        "Host": url.netloc.decode("ascii"),
        "User-Agent": fetcher.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    last_error: Exception | None = None
    for address in addresses:
        try:
            target = url.copy_with(host=address)
        except (httpx.InvalidURL, ValueError) as exc:
            last_error = exc
            continue
        request = fetcher.client.build_request(
            "GET",
            target,
            headers=headers,
            extensions=extensions,
            timeout=_remaining(deadline, url),
        )
        try:
            response = fetcher.client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {url}", reason="timeout") from exc
        except httpx.ConnectError as exc:
            last_error = exc  # try the host's next address
            continue
        except httpx.HTTPError as exc:
            raise FetchError(f"fetching {url} failed: {exc}", reason="fetch-failed") from exc
        try:
            return _handle(response, url=url, deadline=deadline, max_bytes=max_bytes)
        finally:
            response.close()
    raise FetchError(f"could not connect to {url}: {last_error}", reason="fetch-failed")


def _handle(
    response: httpx.Response, *, url: httpx.URL, deadline: float, max_bytes: int
) -> Fetched | httpx.URL:
    status = response.status_code
    if status in _REDIRECTS:
        location = response.headers.get("location")
        if not location:
            raise FetchError(f"{url} redirects ({status}) without a Location", reason="http-error")
        try:
            target = url.join(location.strip())
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError(
                f"{url} redirects to an invalid URL {location!r}", reason="bad-url"
            ) from exc
        _check_scheme(target)
        if not target.raw_host:
            raise FetchError(
                f"{url} redirects to {location!r}, which has no host", reason="bad-url"
            )
        return target
    etag = response.headers.get("etag")
    last_modified = response.headers.get("last-modified")
    if status == 304:
        return Fetched(
            url=str(url),
            status=status,
            content_type=response.headers.get("content-type"),
            body=b"",
            etag=etag,
            last_modified=last_modified,
        )
    if not 200 <= status < 300:
        phrase = response.reason_phrase or ""
        raise FetchError(f"{url} answered HTTP {status} {phrase}".rstrip(), reason="http-error")
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise InputTooLarge(
            f"{url} is {describe_size(int(declared))}, over the {describe_size(max_bytes)} limit"
        )
    body = _read_body(response, url=url, deadline=deadline, max_bytes=max_bytes)
    return Fetched(
        url=str(url),
        status=status,
        content_type=response.headers.get("content-type"),
        body=body,
        etag=etag,
        last_modified=last_modified,
    )


def _raw_chunks(response: httpx.Response, *, url: httpx.URL, deadline: float) -> Iterator[bytes]:
    try:
        for chunk in response.iter_raw():
            _remaining(deadline, url)
            yield chunk
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out reading {url}", reason="timeout") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"reading {url} failed: {exc}", reason="fetch-failed") from exc


def _too_large(url: httpx.URL, max_bytes: int) -> InputTooLarge:
    return InputTooLarge(f"{url} is over the {describe_size(max_bytes)} limit")


def _read_body(
    response: httpx.Response, *, url: httpx.URL, deadline: float, max_bytes: int
) -> bytes:
    if response.is_stream_consumed:
        # Already read into memory (a response made up front, e.g. by a mock
        # transport): httpx has decoded it; only the cap is left to check.
        if len(response.content) > max_bytes:
            raise _too_large(url, max_bytes)
        return response.content
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        body = bytearray()
        for chunk in _raw_chunks(response, url=url, deadline=deadline):
            body += chunk
            if len(body) > max_bytes:
                raise _too_large(url, max_bytes)
        return bytes(body)
    if encoding in ("gzip", "x-gzip"):
        wbits = zlib.MAX_WBITS | 16
    elif encoding == "deflate":
        wbits = zlib.MAX_WBITS
    else:
        raise FetchError(
            f"{url} uses an unsupported Content-Encoding {encoding!r}", reason="fetch-failed"
        )
    return _inflate(
        _raw_chunks(response, url=url, deadline=deadline),
        wbits=wbits,
        url=url,
        max_bytes=max_bytes,
    )


def _inflate(chunks: Iterator[bytes], *, wbits: int, url: httpx.URL, max_bytes: int) -> bytes:
    """Decompress in bounded steps: never more than ``max_bytes + 1`` bytes in memory."""
    body = bytearray()
    raw_total = 0
    decoder = zlib.decompressobj(wbits=wbits)
    try:
        for chunk in chunks:
            raw_total += len(chunk)
            if raw_total > max_bytes:
                raise _too_large(url, max_bytes)
            data = chunk
            while data:
                if decoder.eof:  # a further gzip member follows
                    decoder = zlib.decompressobj(wbits=wbits)
                body += decoder.decompress(data, max_bytes + 1 - len(body))
                if len(body) > max_bytes:
                    raise _too_large(url, max_bytes)
                data = decoder.unconsumed_tail or (decoder.unused_data if decoder.eof else b"")
        body += decoder.flush()
    except zlib.error as exc:
        raise FetchError(
            f"{url} sent a corrupt compressed body: {exc}", reason="fetch-failed"
        ) from exc
    if len(body) > max_bytes:
        raise _too_large(url, max_bytes)
    if not decoder.eof and raw_total:
        raise FetchError(f"{url} sent a truncated compressed body", reason="fetch-failed")
    return bytes(body)
