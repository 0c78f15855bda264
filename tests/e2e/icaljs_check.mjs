// Reads CIS's calendars with ical.js (Thunderbird's parser) and prints what it sees as
// JSON, for test_invitation_format.py to compare with its own expectations.
// Usage: node icaljs_check.mjs REQUEST.json
// REQUEST: [{"name": ..., "path": "<file.ics>",
//            "walls": {"<TZID>": [[year, month, day, hour, minute, second], ...]}}]
// Output: one object per request: the VEVENTs as parsed, the master's expansion with
// exceptions applied, and for each VTIMEZONE the instant (unix seconds) each wall-clock
// time of "walls" stands for in it — the conversion clients apply to DTSTART;TZID=.
import fs from 'node:fs';
import ICAL from 'ical.js';

function timeInfo(t) {
  if (!t) return null;
  return {
    ical: t.toICALString(),
    isDate: t.isDate,
    tzid: t.zone ? t.zone.tzid : null,
    unix: t.toUnixTime(),
  };
}

function person(p) {
  if (!p) return null;
  return {
    value: p.getFirstValue(),
    cn: p.getParameter('cn') ?? null,
    role: p.getParameter('role') ?? null,
    partstat: p.getParameter('partstat') ?? null,
    rsvp: p.getParameter('rsvp') ?? null,
  };
}

function instantOf(zone, [year, month, day, hour, minute, second]) {
  return ICAL.Time.fromData({ year, month, day, hour, minute, second, isDate: false }, zone)
    .toUnixTime();
}

const requests = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const req of requests) {
  const cal = new ICAL.Component(ICAL.parse(fs.readFileSync(req.path, 'utf8')));
  const vevents = cal.getAllSubcomponents('vevent');
  const events = vevents.map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      description: e.description,
      location: e.location,
      sequence: e.sequence,
      status: v.getFirstPropertyValue('status'),
      start: timeInfo(e.startDate),
      end: timeInfo(e.endDate),
      recurrenceId: timeInfo(e.recurrenceId),
      organizer: person(v.getFirstProperty('organizer')),
      attendees: v.getAllProperties('attendee').map(person),
    };
  });
  const master = vevents.find((v) => !v.hasProperty('recurrence-id'));
  const occurrences = [];
  if (master && (master.hasProperty('rrule') || master.hasProperty('rdate'))) {
    const ev = new ICAL.Event(master, { exceptions: vevents.filter((v) => v !== master) });
    const it = ev.iterator();
    for (let t = it.next(); t && occurrences.length < 200; t = it.next()) {
      const d = ev.getOccurrenceDetails(t);
      occurrences.push({
        recurrenceId: d.recurrenceId.toUnixTime(),
        start: d.startDate.toUnixTime(),
        end: d.endDate.toUnixTime(),
        summary: d.item.summary,
      });
    }
  }
  const zones = {};
  for (const vtz of cal.getAllSubcomponents('vtimezone')) {
    const zone = new ICAL.Timezone(vtz);
    zones[zone.tzid] = ((req.walls || {})[zone.tzid] || []).map((w) => instantOf(zone, w));
  }
  results.push({
    name: req.name,
    method: cal.getFirstPropertyValue('method'),
    prodid: cal.getFirstPropertyValue('prodid'),
    events,
    occurrences,
    zones,
  });
}
process.stdout.write(JSON.stringify(results));
