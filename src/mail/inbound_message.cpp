#include "mail/inbound_message.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/address.hpp"
#include "mail/charset.hpp"
#include "mail/gmime_init.hpp"

namespace cis::mail {

namespace {

struct GObjectDeleter {
    void operator()(void* p) const {
        if (p) g_object_unref(p);
    }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectDeleter>;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string str(const char* s) {
    return s ? std::string(s) : std::string();
}

// The part's content with its transfer encoding undone, as raw bytes.
std::string decoded_bytes(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content) return {};
    GPtr<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, out.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

bool ends_with_ics(const std::string& name) {
    const std::string n = lower(name);
    return n.ends_with(".ics") || n.ends_with(".ical") || n.ends_with(".ifb") ||
           n.ends_with(".vcs");
}

bool might_be_calendar(const std::string& type, const std::string& filename) {
    return type == "text/calendar" || type == "application/ics" || type == "text/x-vcalendar" ||
           type == "application/x-ics" || type == "application/octet-stream" ||
           ends_with_ics(filename);
}

bool is_calendar(const std::string& type, const std::string& filename, std::string_view body) {
    if (type == "text/calendar" || type == "application/ics" || type == "text/x-vcalendar" ||
        type == "application/x-ics")
        return true;
    if (ends_with_ics(filename) &&
        (type == "application/octet-stream" || type == "text/plain" || type.empty()))
        return true;
    // A calendar sent as plain text without a name still starts like one.
    return type == "application/octet-stream" && body.starts_with("BEGIN:VCALENDAR");
}

// iCalendar lines end in CRLF on the wire; clients also send LF, and a decoded part
// of a CRLF message can end its lines in CR CR LF. One form for de-duplication and for
// the iCalendar parser: every run of CRs before an LF, and every lone CR, is one CRLF,
// and blank lines are dropped.
std::string normalise_newlines(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 40);
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' || s[i] == '\n') {
            std::size_t j = i;
            while (j < s.size() && s[j] == '\r') ++j;
            i = j < s.size() && s[j] == '\n' ? j : j - 1;
            // Blank lines are never iCalendar content; libical refuses some of them.
            if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
        } else {
            out += s[i];
        }
    }
    return out;
}

// "\r\r\n" → "\r\n"; blank lines (the end of the headers) stay.
std::string collapse_carriage_returns(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\r') continue;
        out += s[i];
    }
    return out;
}

// A list for bulk@ or events for create@: what spreadsheets export CSV as (Excel says
// vnd.ms-excel), as an attachment — a text/plain body is the message's text, not a list.
bool is_table(GMimeObject* obj, const std::string& type, const std::string& filename) {
    const std::string name = lower(filename);
    if (name.size() > 4 && name.ends_with(".csv")) return true;
    if (type == "text/csv" || type == "application/csv" || type == "application/vnd.ms-excel")
        return true;
    return type == "text/plain" && !filename.empty() && !ends_with_ics(filename) &&
           g_mime_object_get_disposition(obj) != nullptr &&
           lower(str(g_mime_object_get_disposition(obj))) == "attachment";
}

struct Walker {
    InboundMessage& msg;
    std::vector<CalendarPart> inline_parts, attached_parts;
    int depth = 0;

    void leaf(GMimeObject* obj, bool forwarded) {
        GMimeContentType* ct = g_mime_object_get_content_type(obj);
        const std::string type = ct ? lower(str(g_mime_content_type_get_media_type(ct)) + "/" +
                                            str(g_mime_content_type_get_media_subtype(ct)))
                                    : std::string();
        GMimePart* part = GMIME_PART(obj);
        const std::string filename = str(g_mime_part_get_filename(part));
        if (type == "application/ms-tnef" || type == "application/vnd.ms-tnef" ||
            lower(filename) == "winmail.dat") {
            msg.has_tnef = true;
            return;
        }
        if (is_table(obj, type, filename)) {
            if (!filename.empty()) msg.attachments.push_back(filename);  // named in explanations
            msg.tables.push_back(
                TablePart{to_utf8(decoded_bytes(part),
                                  str(g_mime_object_get_content_type_parameter(obj, "charset"))),
                          filename, type});
            return;
        }
        // Decoding a part costs as much as parsing the whole message: only calendars
        // and unnamed octet-streams (which may be one) are decoded.
        if (!might_be_calendar(type, filename)) {
            if (!filename.empty()) msg.attachments.push_back(filename);
            return;
        }
        const std::string bytes = decoded_bytes(part);
        if (!is_calendar(type, filename, bytes)) {
            if (!filename.empty()) msg.attachments.push_back(filename);
            return;
        }
        CalendarPart cal;
        cal.text = normalise_newlines(
            to_utf8(bytes, str(g_mime_object_get_content_type_parameter(obj, "charset"))));
        cal.method_param = str(g_mime_object_get_content_type_parameter(obj, "method"));
        cal.forwarded = forwarded;
        const bool attachment = !filename.empty() && type != "text/calendar" &&
                                g_mime_object_get_disposition(obj) != nullptr;
        cal.where = filename.empty() ? type + " part" : "attachment " + filename;
        if (forwarded) cal.where += " of a forwarded message";
        (attachment ? attached_parts : inline_parts).push_back(std::move(cal));
    }

    void walk(GMimeObject* obj, bool forwarded) {
        if (!obj || ++depth > 64) return;  // hostile nesting: stop, don't recurse forever
        if (GMIME_IS_MULTIPART(obj)) {
            GMimeMultipart* mp = GMIME_MULTIPART(obj);
            const int n = g_mime_multipart_get_count(mp);
            for (int i = 0; i < n; ++i) walk(g_mime_multipart_get_part(mp, i), forwarded);
        } else if (GMIME_IS_MESSAGE_PART(obj)) {
            GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
            if (inner) walk(g_mime_message_get_mime_part(inner), true);
        } else if (GMIME_IS_PART(obj)) {
            leaf(obj, forwarded);
        }
        --depth;
    }
};

void read_from(GMimeMessage* m, InboundMessage& msg) {
    InternetAddressList* from = g_mime_message_get_from(m);
    const int n = from ? internet_address_list_length(from) : 0;
    for (int i = 0; i < n; ++i) {
        InternetAddress* a = internet_address_list_get_address(from, i);
        if (!INTERNET_ADDRESS_IS_MAILBOX(a)) continue;
        msg.from_address =
            normalize_address(str(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))));
        msg.from_name = sanitize_utf8(str(internet_address_get_name(a)));
        if (!msg.from_address.empty()) break;
    }
}

}  // namespace

InboundMessage parse_inbound(std::string_view raw) {
    ensure_gmime();
    // A file with mixed line ends sent by a line-based client (Postfix's smtp-source
    // does this) arrives with CR CR LF: GMime would then miss the end of the headers.
    // The stored raw message stays as received; only the parser sees repaired lines.
    std::string repaired;
    if (raw.find("\r\r\n") != std::string_view::npos) {
        repaired = collapse_carriage_returns(raw);
        raw = repaired;
    }
    InboundMessage msg;
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    GPtr<GMimeMessage> m(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!m) return msg;

    read_from(m.get(), msg);
    msg.subject = sanitize_utf8(str(g_mime_message_get_subject(m.get())));
    msg.message_id = sanitize_utf8(str(g_mime_message_get_message_id(m.get())));
    if (GDateTime* date = g_mime_message_get_date(m.get())) msg.date = g_date_time_to_unix(date);
    const auto header = [&](const char* name) {
        return sanitize_utf8(str(g_mime_object_get_header(GMIME_OBJECT(m.get()), name)));
    };
    msg.auto_submitted = header("Auto-Submitted");
    msg.x_autoreply = header("X-Autoreply");
    msg.x_autorespond = header("X-Autorespond");
    msg.precedence = header("Precedence");

    Walker w{msg, {}, {}, 0};
    w.walk(g_mime_message_get_mime_part(m.get()), false);
    // Inline calendars first, then attachments; identical copies once (Google,
    // Thunderbird and BlueMind send the same calendar inline and attached).
    for (auto* list : {&w.inline_parts, &w.attached_parts})
        for (auto& cal : *list) {
            const bool seen =
                std::any_of(msg.calendars.begin(), msg.calendars.end(),
                            [&](const CalendarPart& c) { return c.text == cal.text; });
            if (!seen) msg.calendars.push_back(std::move(cal));
        }
    return msg;
}

}  // namespace cis::mail
