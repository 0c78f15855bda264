"""Independent expectations for corpus messages, computed with python3-icalendar (not
with CIS's code): what the stored event must say about each invitation."""
import datetime as dt
import email
import zoneinfo

import icalendar

UTC = dt.timezone.utc


def calendars_in(raw: bytes, name: str):
    if name.endswith(".ics"):
        return [raw]
    msg = email.message_from_bytes(raw)
    found = []
    for part in msg.walk():
        ctype = part.get_content_type()
        fname = (part.get_filename() or "").lower()
        if ctype in ("text/calendar", "application/ics") or fname.endswith(".ics"):
            data = part.get_payload(decode=True)
            if data:
                found.append(data)
    return found


def first_vevent(raw: bytes, name: str):
    cal = icalendar.Calendar.from_ical(calendars_in(raw, name)[0])
    events = list(cal.walk("VEVENT"))
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    return cal, (masters or events)[0]


def organizer_address(vevent) -> str:
    org = vevent.get("ORGANIZER")
    if isinstance(org, list):  # Apple repeats ORGANIZER in some VEVENTs
        org = org[0]
    if org is None:
        return ""
    email_param = org.params.get("EMAIL")
    if email_param:
        return str(email_param).strip('"').lower()
    return str(org).lower().replace("mailto:", "").strip()


def instant(value):
    """A DTSTART/DTEND value as (UTC datetime or date, utcoffset or None)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating: CIS reports it as UTC
            return value.replace(tzinfo=UTC), dt.timedelta(0)
        return value.astimezone(UTC), value.utcoffset()
    return value, None


def expected_end(vevent):
    start = vevent["DTSTART"].dt
    if "DTEND" in vevent:
        return vevent["DTEND"].dt
    if "DURATION" in vevent:
        return start + vevent["DURATION"].dt
    if isinstance(start, dt.datetime):
        return start
    return start + dt.timedelta(days=1)


def rrule_dict(text: str):
    """RRULE text → comparable dict (UNTIL as a UTC instant, INTERVAL=1 implied)."""
    out = {}
    for part in text.split(";"):
        if "=" not in part:
            continue
        k, v = part.split("=", 1)
        out[k.upper()] = v.upper()
    out.setdefault("INTERVAL", "1")
    out.pop("WKST", None)  # libical may drop a default WKST
    if "UNTIL" in out:
        u = out["UNTIL"]
        out["UNTIL"] = u[:8] if len(u) == 8 else u[:15]
    if "BYDAY" in out:
        out["BYDAY"] = ",".join(sorted(d.strip() for d in out["BYDAY"].split(",")))
    return out


def same_zone_rules(a: str, b: str, year: int) -> bool:
    """Two IANA names that mean the same clock in `year` (e.g. Europe/Kiev, Europe/Kyiv)."""
    za, zb = zoneinfo.ZoneInfo(a), zoneinfo.ZoneInfo(b)
    t = dt.datetime(year, 1, 1, tzinfo=UTC)
    for _ in range(0, 366 * 4):
        if t.astimezone(za).utcoffset() != t.astimezone(zb).utcoffset():
            return False
        t += dt.timedelta(hours=6)
    return True


def parse_rfc3339(text: str):
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
