#include "imip/reply_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "ical/content_line.hpp"
#include "ical/parse_reply.hpp"
#include "imip/ical_text.hpp"
#include "imip/mime_text.hpp"
#include "mail/inbound_message.hpp"

namespace cis::imip {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

// splitmix64: more bits from one hash for ids and boundaries.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// An address or basic-form time as it may appear in a content line or header: no control
// characters, whatever the invitation held.
std::string clean(std::string_view s) {
    std::string out;
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
    return out;
}

std::string digits_and_letters(std::string_view s) {
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    return out;
}

// CN="…" always quoted, as Apple and Outlook for Mac write it.
void append_quoted_param(std::string& out, std::string_view value) {
    std::string v;
    append_param(v, value);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        out += v;
    else
        out += '"' + v + '"';
}

void text_line(std::string& out, std::string_view name, std::string_view value) {
    std::string line(name);
    line += ':';
    append_escaped_text(line, value);
    append_folded(out, line);
}

// DTSTART/DTEND as the invitation wrote them, or in UTC (Google).
std::string time_line(std::string_view name, const CalTime& t, const std::string& tzid,
                      bool in_utc) {
    std::string line(name);
    const std::string local = digits_and_letters(t.local);
    if (t.is_date) return line + ";VALUE=DATE:" + local.substr(0, 8);
    if (in_utc || local.empty()) return line + ":" + format_basic_utc(t.utc);
    if (!tzid.empty()) {
        line += ";TZID=";
        append_param(line, tzid);
        line += ':';
        line += local.ends_with('Z') ? local.substr(0, local.size() - 1) : local;
        return line;
    }
    return line + ":" + local;  // UTC ("…Z") or floating, as written
}

// RECURRENCE-ID of the occurrence answered, from its canonical key; "" for none.
std::string recurrence_line(const ReplySource& s) {
    const std::string key = digits_and_letters(s.recurrence_id);
    if (key.empty()) return {};
    return key.size() == 8 ? "RECURRENCE-ID;VALUE=DATE:" + key : "RECURRENCE-ID:" + key;
}

void append_recurrence_id(std::string& cal, const ReplySource& s) {
    if (const std::string line = recurrence_line(s); !line.empty()) append_folded(cal, line);
}

bool has_end(const ReplySource& s) {
    return s.end.utc > s.start.utc;
}

// A VTIMEZONE from libical, refolded at 75 octets with CRLF.
void append_vtimezone(std::string& out, std::string_view text) {
    for (const std::string& line : ical::unfold_lines(text)) append_folded(out, line);
}

const char* partstat_word(ReplyPartstat p) {
    return to_string(p);
}

// ---- Google ------------------------------------------------------------------------------

// The first word of a reply's subject; the clients differ only in the tentative one
// (Google "Tentatively Accepted", Outlook "Tentative", Apple "Maybe").
const char* verb(ReplyPartstat p, const char* tentative) {
    switch (p) {
        case ReplyPartstat::Accepted:
            return "Accepted";
        case ReplyPartstat::Declined:
            return "Declined";
        case ReplyPartstat::Tentative:
            break;
    }
    return tentative;
}

const char* google_sentence(ReplyPartstat p) {
    switch (p) {
        case ReplyPartstat::Accepted:
            return "has accepted this invitation.";
        case ReplyPartstat::Declined:
            return "has declined this invitation.";
        case ReplyPartstat::Tentative:
            break;
    }
    return "has tentatively accepted this invitation.";
}

std::string clock_text(const CivilTime& c) {
    const int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    const char* half = c.hour < 12 ? "am" : "pm";
    return c.minute ? fmt::format("{}:{:02}{}", h12, c.minute, half)
                    : fmt::format("{}{}", h12, half);
}

// "Wed May 1, 2024 10am - 11am (Europe/Berlin)", "Mon Aug 27, 2012" — Google's form, in
// the invitation's own wall-clock time.
std::string google_when(const ReplySource& s) {
    static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto wall = [](const CalTime& t) {
        bool is_date = false, is_utc = false;
        auto c = parse_basic(digits_and_letters(t.local), &is_date, &is_utc);
        return c ? *c : epoch_to_civil(t.utc);
    };
    const CivilTime c = wall(s.start);
    const std::int64_t days = days_from_civil(c.year, c.month, c.day);
    std::string out = fmt::format("{} {} {}, {}", kDays[((days % 7) + 7) % 7],
                                  kMonths[std::clamp(c.month, 1, 12) - 1], c.day, c.year);
    if (s.start.is_date) return out;
    out += " " + clock_text(c);
    if (has_end(s)) out += " - " + clock_text(wall(s.end));
    if (!s.tzid.empty())
        out += " (" + s.tzid + ")";
    else if (!s.start.floating)
        out += " (UTC)";
    return out;
}

std::string google_calendar(const ReplySource& s, ReplyPartstat p, std::int64_t now) {
    std::string cal =
        "BEGIN:VCALENDAR\r\n"
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "VERSION:2.0\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:REPLY\r\n"
        "BEGIN:VEVENT\r\n";
    append_folded(cal, time_line("DTSTART", s.start, s.tzid, true));
    if (has_end(s)) append_folded(cal, time_line("DTEND", s.end, s.tzid, true));
    cal += "DTSTAMP:" + format_basic_utc(now) + "\r\n";
    std::string line = "ORGANIZER;CN=";
    append_param(line, s.organizer_name.empty() ? s.organizer_address : s.organizer_name);
    line += ":mailto:" + clean(s.organizer_address);
    append_folded(cal, line);
    text_line(cal, "UID", s.uid);
    append_recurrence_id(cal, s);
    line = "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=";
    line += partstat_word(p);
    line += ";CN=";
    append_param(line, s.attendee_name.empty() ? s.attendee_address : s.attendee_name);
    line += ";X-NUM-GUESTS=0:mailto:" + clean(s.attendee_address);
    append_folded(cal, line);
    cal += "CREATED:" + format_basic_utc(now) + "\r\n";
    cal += "DESCRIPTION:\r\n";
    cal += "LAST-MODIFIED:" + format_basic_utc(now) + "\r\n";
    text_line(cal, "LOCATION", s.location);
    cal += fmt::format("SEQUENCE:{}\r\n", s.sequence);
    cal += "STATUS:CONFIRMED\r\n";
    text_line(cal, "SUMMARY", s.summary);
    cal += s.start.is_date ? "TRANSP:TRANSPARENT\r\n" : "TRANSP:OPAQUE\r\n";
    cal += "END:VEVENT\r\nEND:VCALENDAR\r\n";
    return cal;
}

std::string google_message(const ReplySource& s, ReplyPartstat p, std::int64_t now, std::uint64_t h,
                           const std::string& subject) {
    const std::string cal = google_calendar(s, p, now);
    const std::string who = s.attendee_name.empty() ? s.attendee_address : s.attendee_name;
    const std::string organizer = s.organizer_name.empty() ? s.organizer_address : s.organizer_name;
    const std::string plain = fmt::format(
        "{} {}\r\n\r\nTitle: {}\r\nWhen: {}\r\nCalendar: {}\r\nWho:\r\n"
        "    * {} - organizer\r\n    * {}\r\n\r\n"
        "Invitation from Google Calendar: https://www.google.com/calendar/\r\n",
        who, google_sentence(p), s.summary, google_when(s), who, organizer, who);
    const std::string html = fmt::format(
        "<div><div><strong>{} {}</strong></div><h3>{}</h3><table><tr><td>When</td><td>{}</td>"
        "</tr><tr><td>Who</td><td>{} - organizer<br>{}</td></tr></table><p>Invitation from "
        "<a href=\"https://www.google.com/calendar/\">Google Calendar</a></p></div>\r\n",
        html_escape(who), google_sentence(p), html_escape(s.summary), html_escape(google_when(s)),
        html_escape(organizer), html_escape(who));
    const std::string mixed = fmt::format("000000000000{:016x}", mix(h ^ 1));
    const std::string alt = fmt::format("000000000000{:016x}", mix(h ^ 2));

    std::string m = "MIME-Version: 1.0\r\nReply-To: ";
    append_mailbox(m, s.attendee_name, s.attendee_address, 10);
    m += "\r\nSender: Google Calendar <calendar-notification@google.com>\r\n"
         "Auto-Submitted: auto-generated\r\n";
    m += fmt::format("Message-ID: <000000000000{:016x}@google.com>\r\n", mix(h ^ 3));
    m += "Date: " + rfc5322_date(now) + "\r\nSubject: ";
    append_unstructured(m, subject, 9);
    m += "\r\nFrom: ";
    append_mailbox(m, s.attendee_name, s.attendee_address, 6);
    m += "\r\nTo: ";
    append_mailbox(m, s.organizer_name, s.organizer_address, 4);
    m += "\r\nContent-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
    m += "--" + mixed + "\r\nContent-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n";
    m += "--" + alt +
         "\r\nContent-Type: text/plain; charset=\"UTF-8\"; format=flowed; delsp=yes\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n";
    append_base64_lines(m, plain);
    m += "--" + alt +
         "\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quoted_printable(html);
    m += "\r\n--" + alt + "\r\nContent-Type: text/calendar; charset=\"UTF-8\"; method=REPLY\r\n";
    if (is_ascii(cal))
        m += "Content-Transfer-Encoding: 7bit\r\n\r\n" + cal;
    else
        m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quoted_printable(cal);
    m += "\r\n--" + alt + "--\r\n\r\n";
    m += "--" + mixed +
         "\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
         "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n";
    append_base64_lines(m, cal);
    m += "--" + mixed + "--\r\n";
    return m;
}

// ---- Outlook for Mac ---------------------------------------------------------------------

std::string uuid_text(std::uint64_t a, std::uint64_t b) {
    return fmt::format("{:08X}-{:04X}-{:04X}-{:04X}-{:012X}", a >> 32, (a >> 16) & 0xFFFF,
                       a & 0xFFFF, b >> 48, b & 0xFFFFFFFFFFFFull);
}

std::string outlook_calendar(const ReplySource& s, ReplyPartstat p, std::int64_t now,
                             std::uint64_t h) {
    std::string cal =
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Microsoft Corporation//Outlook for Mac MIMEDIR//EN\r\n"
        "METHOD:REPLY\r\n";
    for (const auto& tz : s.vtimezones) append_vtimezone(cal, tz);
    cal += "BEGIN:VEVENT\r\n";
    text_line(cal, "UID", s.uid);
    append_recurrence_id(cal, s);
    cal += "X-ENTOURAGE_UUID:" + uuid_text(mix(h ^ 4), mix(h ^ 5)) + "\r\n";
    cal += "DTSTAMP:" + format_basic_utc(s.dtstamp ? s.dtstamp : now) + "\r\n";
    append_folded(cal, time_line("DTSTART", s.start, s.tzid, false));
    if (has_end(s)) append_folded(cal, time_line("DTEND", s.end, s.tzid, false));
    text_line(cal, "SUMMARY", s.summary);
    if (!s.location.empty()) text_line(cal, "LOCATION", s.location);
    append_folded(cal, "ORGANIZER:MAILTO:" + clean(s.organizer_address));
    cal += fmt::format("SEQUENCE:{}\r\n", s.sequence);
    std::string line = "ATTENDEE;ROLE=OPT-PARTICIPANT;RSVP=FALSE;CN=";
    append_quoted_param(line, s.attendee_name.empty() ? s.attendee_address : s.attendee_name);
    line += ";PARTSTAT=";
    line += partstat_word(p);
    line += ":MAILTO:" + clean(s.attendee_address);
    append_folded(cal, line);
    cal += "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n";
    cal += s.start.is_date ? "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n"
                           : "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE\r\n";
    cal += "X-MICROSOFT-CDO-INSTTYPE:0\r\n";
    cal += "X-MICROSOFT-CDO-REPLYTIME:" + format_basic_utc(now) + "\r\n";
    cal += "END:VEVENT\r\nEND:VCALENDAR\r\n";
    return cal;
}

std::string outlook_message(const ReplySource& s, ReplyPartstat p, std::int64_t now,
                            std::uint64_t h, const std::string& subject) {
    const std::string cal = outlook_calendar(s, p, now, h);
    const std::string boundary = fmt::format("B_{}_{}", 3000000000ull + mix(h ^ 6) % 1000000000ull,
                                             10000000ull + mix(h ^ 7) % 90000000ull);
    const std::string html =
        "<html><head></head><body style=\"word-wrap: break-word; -webkit-nbsp-mode: space; "
        "-webkit-line-break: after-white-space; color: rgb(0, 0, 0); font-size: 14px; "
        "font-family: Calibri, sans-serif; \"><div></div></body></html>";

    std::string m = "User-Agent: Microsoft-MacOutlook/14.2.1.120420\r\n";
    m += "Date: " + rfc5322_date(now) + "\r\nSubject: ";
    append_unstructured(m, subject, 9);
    m += "\r\nFrom: ";
    append_mailbox(m, s.attendee_name, s.attendee_address, 6);
    m += "\r\nTo: <";
    append_header_safe(m, s.organizer_address);
    m += ">\r\nMessage-ID: <";
    m += fmt::format("{:08X}.{:03X}%", mix(h ^ 8) & 0xFFFFFFFFull, mix(h ^ 9) & 0xFFF);
    append_header_safe(m, s.attendee_address);
    m += ">\r\nThread-Topic: ";
    append_unstructured(m, s.summary, 14);
    m += "\r\nMime-version: 1.0\r\nContent-type: multipart/alternative;\r\n\tboundary=\"" +
         boundary + "\"\r\n\r\n";
    m += "> This message is in MIME format. Since your mail reader does not understand\r\n"
         "this format, some or all of this message may not be legible.\r\n\r\n";
    m += "--" + boundary +
         "\r\nContent-type: text/html;\r\n\tcharset=\"UTF-8\"\r\n"
         "Content-transfer-encoding: quoted-printable\r\n\r\n";
    m += quoted_printable(html);
    m += "\r\n\r\n--" + boundary +
         "\r\nContent-Type: text/calendar;method=REPLY;\r\n"
         "\tcharset=\"US-ASCII\";name=\"meeting.ics\"\r\n";
    if (is_ascii(cal))
        m += "Content-transfer-encoding: 7bit\r\n\r\n" + cal;
    else
        m += "Content-transfer-encoding: quoted-printable\r\n\r\n" + quoted_printable(cal);
    m += "\r\n\r\n--" + boundary + "--\r\n";
    return m;
}

// ---- Apple iOS -----------------------------------------------------------------------------

std::string apple_calendar(const ReplySource& s, ReplyPartstat p, std::int64_t now) {
    std::string cal =
        "BEGIN:VCALENDAR\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:REPLY\r\n"
        "PRODID:-//Apple Inc.//iPhone 3.0//EN\r\n"
        "VERSION:2.0\r\n";
    for (const auto& tz : s.vtimezones) append_vtimezone(cal, tz);
    cal += "BEGIN:VEVENT\r\n";
    // iOS writes the properties (and their parameters) in alphabetical order.
    std::string line = "ATTENDEE;CN=";
    append_quoted_param(line, s.attendee_name.empty() ? s.attendee_address : s.attendee_name);
    line += ";CUTYPE=INDIVIDUAL;PARTSTAT=";
    line += partstat_word(p);
    line += ";ROLE=REQ-PARTICIPANT:mailto:" + clean(s.attendee_address);
    append_folded(cal, line);
    cal += "CREATED:" + format_basic_utc(now) + "\r\n";
    if (has_end(s)) append_folded(cal, time_line("DTEND", s.end, s.tzid, false));
    const std::int64_t stamp = s.dtstamp ? s.dtstamp : now;
    cal += "DTSTAMP:" + format_basic_utc(stamp) + "\r\n";
    append_folded(cal, time_line("DTSTART", s.start, s.tzid, false));
    cal += "LAST-MODIFIED:" + format_basic_utc(stamp) + "\r\n";
    if (!s.location.empty()) text_line(cal, "LOCATION", s.location);
    line = "ORGANIZER;CN=";
    append_quoted_param(line, s.organizer_name.empty() ? s.organizer_address : s.organizer_name);
    line += ":mailto:" + clean(s.organizer_address);
    append_folded(cal, line);
    append_recurrence_id(cal, s);
    cal += fmt::format("SEQUENCE:{}\r\n", s.sequence);
    cal += "STATUS:CONFIRMED\r\n";
    text_line(cal, "SUMMARY", s.summary);
    cal += "TRANSP:OPAQUE\r\n";
    text_line(cal, "UID", s.uid);
    cal += "END:VEVENT\r\nEND:VCALENDAR\r\n";
    return cal;
}

std::string apple_message(const ReplySource& s, ReplyPartstat p, std::int64_t now, std::uint64_t h,
                          const std::string& subject) {
    const std::string cal = apple_calendar(s, p, now);
    // iOS boundaries are 32 random bytes in base64 ("inmMF5eg…r14=").
    std::string bytes;
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t v = mix(h ^ (10 + i));
        for (int b = 0; b < 8; ++b) bytes += static_cast<char>((v >> (8 * b)) & 0xFF);
    }
    std::string boundary;
    append_base64_lines(boundary, bytes);
    while (!boundary.empty() && (boundary.back() == '\n' || boundary.back() == '\r'))
        boundary.pop_back();
    std::string domain = s.attendee_address.substr(s.attendee_address.rfind('@') + 1);

    std::string m = "Message-Id: <" + uuid_text(mix(h ^ 20), mix(h ^ 21)) + "@";
    append_header_safe(m, domain);
    m += ">\r\nContent-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
    m += "Date: " + rfc5322_date(now) + "\r\nSubject: ";
    append_unstructured(m, subject, 9);
    m += "\r\nContent-Transfer-Encoding: 7bit\r\nMime-Version: 1.0 (1.0)\r\nTo: ";
    append_mailbox(m, s.organizer_name, s.organizer_address, 4);
    m += "\r\nFrom: ";
    append_header_safe(m, s.attendee_address);
    m += "\r\n\r\n\r\n";
    m += "--" + boundary +
         "\r\nContent-Type: text/plain;\tcharset=us-ascii\r\n"
         "Content-Transfer-Encoding: 7bit\r\n\r\n\r\n\r\n\r\n";
    m += "--" + boundary +
         "\r\nContent-Type: text/calendar;\tcharset=utf-8;\tname=meeting.ics;\tmethod=REPLY\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quoted_printable(cal);
    m += "\r\n\r\n--" + boundary + "--\r\n";
    return m;
}

}  // namespace

std::optional<ReplyClient> parse_reply_client(std::string_view s) {
    const std::string v = lower(s);
    if (v == "google") return ReplyClient::Google;
    if (v == "outlook") return ReplyClient::Outlook;
    if (v == "apple") return ReplyClient::Apple;
    return std::nullopt;
}

const char* to_string(ReplyClient c) {
    switch (c) {
        case ReplyClient::Google:
            return "google";
        case ReplyClient::Outlook:
            return "outlook";
        case ReplyClient::Apple:
            break;
    }
    return "apple";
}

std::optional<ReplyPartstat> parse_reply_partstat(std::string_view s) {
    const std::string v = lower(s);
    if (v == "accepted") return ReplyPartstat::Accepted;
    if (v == "declined") return ReplyPartstat::Declined;
    if (v == "tentative") return ReplyPartstat::Tentative;
    return std::nullopt;
}

const char* to_string(ReplyPartstat p) {
    switch (p) {
        case ReplyPartstat::Accepted:
            return "ACCEPTED";
        case ReplyPartstat::Declined:
            return "DECLINED";
        case ReplyPartstat::Tentative:
            break;
    }
    return "TENTATIVE";
}

SimulatedReply build_simulated_reply(const ReplySource& s, ReplyPartstat p, ReplyClient client,
                                     std::int64_t now) {
    SimulatedReply out;
    if (s.uid.empty())
        out.error = "the invitation has no UID to answer";
    else if (s.attendee_address.find('@') == std::string::npos)
        out.error = "the invitation names no attendee address to answer as";
    else if (s.organizer_address.find('@') == std::string::npos)
        out.error = "the invitation has no ORGANIZER address to reply to";
    if (!out.error.empty()) return out;

    const std::uint64_t h = fnv1a(fmt::format("{}\n{}\n{}\n{}\n{}", s.uid, s.attendee_address,
                                              to_string(p), to_string(client), now));
    switch (client) {
        case ReplyClient::Google:
            out.subject = fmt::format(
                "{}: {} @ {} ({})", verb(p, "Tentatively Accepted"), s.summary, google_when(s),
                s.attendee_name.empty() ? s.attendee_address : s.attendee_name);
            out.message = google_message(s, p, now, h, out.subject);
            break;
        case ReplyClient::Outlook:
            out.subject = fmt::format("{}: {}", verb(p, "Tentative"), s.summary);
            out.message = outlook_message(s, p, now, h, out.subject);
            break;
        case ReplyClient::Apple:
            out.subject = fmt::format("{}: {}", verb(p, "Maybe"), s.summary);
            out.message = apple_message(s, p, now, h, out.subject);
            break;
    }
    return out;
}

ReplySourceResult reply_source_from_invitation(std::string_view raw) {
    const mail::InboundMessage msg = mail::parse_inbound(raw);
    if (msg.calendars.empty()) return {std::nullopt, "the message holds no calendar"};
    std::string error = "the message's calendar holds no VEVENT with a UID";
    for (const auto& part : msg.calendars) {
        const ical::ParsedReply parsed = ical::parse_reply(part.text);
        if (!parsed.error.empty()) {
            error = parsed.error;
            continue;
        }
        const IncomingReply& r = parsed.reply;
        if (r.events.empty()) continue;
        if (r.method == "CANCEL")
            return {std::nullopt, "the message is a cancellation; there is nothing to answer"};
        const auto master = std::find_if(r.events.begin(), r.events.end(), [](const ReplyEvent& e) {
            return e.recurrence_id.empty();
        });
        const ReplyEvent& ev = master != r.events.end() ? *master : r.events.front();
        const auto attendee =
            std::find_if(ev.attendees.begin(), ev.attendees.end(),
                         [](const ReplyAttendee& a) { return !a.address.empty(); });
        if (attendee == ev.attendees.end())
            return {std::nullopt, "the invitation names no ATTENDEE with an email address"};
        if (ev.organizer.empty())
            return {std::nullopt, "the invitation has no ORGANIZER address to reply to"};
        if (!ev.start) return {std::nullopt, "the invitation has no readable DTSTART"};
        ReplySource s;
        s.uid = ev.uid;
        s.recurrence_id = ev.recurrence_id;
        s.sequence = ev.sequence.value_or(0);
        s.dtstamp = ev.dtstamp;
        s.summary = ev.summary;
        s.location = ev.location;
        s.start = *ev.start;
        if (ev.end) s.end = *ev.end;
        s.tzid = ev.tzid;
        for (const auto& [tzid, text] : r.vtimezones)
            if (!s.tzid.empty() && tzid == s.tzid) s.vtimezones.push_back(text);
        s.organizer_address = ev.organizer;
        s.organizer_name = ev.organizer_name;
        s.attendee_address = attendee->address;
        s.attendee_name = attendee->name;
        return {std::move(s), {}};
    }
    return {std::nullopt, error};
}

SimulatedReply build_simulated_reply(std::string_view invitation_raw, ReplyPartstat partstat,
                                     ReplyClient client, std::int64_t now) {
    ReplySourceResult source = reply_source_from_invitation(invitation_raw);
    if (!source.source) {
        SimulatedReply out;
        out.error = source.error;
        return out;
    }
    return build_simulated_reply(*source.source, partstat, client, now);
}

}  // namespace cis::imip
