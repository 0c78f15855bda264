// Finding the parts of a bounce or feedback report with GMime: the human-readable text,
// the machine-readable report, and the returned original (whose MIME tree is never
// entered: a calendar, or a bounce, inside it is not this report).
#include <gmime/gmime.h>

#include <map>
#include <memory>

#include "mail/bounce_internal.hpp"
#include "mail/charset.hpp"
#include "mail/gmime_init.hpp"

namespace cis::mail::bounce_detail {

namespace {

constexpr std::size_t kMaxText = 1 << 20;  // bound the work on a huge returned message

struct GObjectDeleter {
    void operator()(void* p) const {
        if (p) g_object_unref(p);
    }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectDeleter>;

std::string str(const char* s) {
    return s ? std::string(s) : std::string();
}

std::string type_of(GMimeObject* obj) {
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    if (!ct) return {};
    return lower(str(g_mime_content_type_get_media_type(ct)) + "/" +
                 str(g_mime_content_type_get_media_subtype(ct)));
}

// The part's content with its transfer encoding undone, as UTF-8 text.
std::string part_text(GMimePart* part) {
    GMimeDataWrapper* content = g_mime_part_get_content(part);
    if (!content) return {};
    GPtr<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, out.get());
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    const std::string_view raw(reinterpret_cast<const char*>(bytes->data),
                               std::min<std::size_t>(bytes->len, kMaxText));
    return to_utf8(raw,
                   str(g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset")));
}

bool is_report(const std::string& type, const char* what) {
    return type == std::string("message/") + what ||
           type == std::string("message/global-") + what || type == std::string("text/") + what;
}

bool is_original_headers(const std::string& type) {
    return type == "text/rfc822-headers" || type == "message/global-headers";
}

struct Walker {
    BounceParts& p;
    int depth = 0;

    void message_part(GMimeObject* obj) {
        GMimeMessage* m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (!m || !p.original.message_id.empty() || !p.original.envelope_from.empty()) return;
        p.original.message_id = one_line(str(g_mime_message_get_message_id(m)), 200);
        const std::string rp = str(g_mime_object_get_header(GMIME_OBJECT(m), "Return-Path"));
        p.original.envelope_from = rp.empty() ? "" : first_address(rp);
        p.original.to = first_address(str(g_mime_object_get_header(GMIME_OBJECT(m), "To")));
    }

    void leaf(GMimeObject* obj) {
        const std::string type = type_of(obj);
        GMimePart* part = GMIME_PART(obj);
        if (is_report(type, "delivery-status") && !p.has_delivery_status) {
            p.has_delivery_status = true;
            p.delivery_status = part_text(part);
        } else if (is_report(type, "feedback-report") && !p.has_feedback_report) {
            p.has_feedback_report = true;
            p.feedback_report = part_text(part);
        } else if (is_original_headers(type) && p.original.message_id.empty()) {
            const auto blocks = parse_field_blocks(part_text(part));
            if (!blocks.empty()) p.original = original_from_headers(blocks.front());
        } else if (type == "text/plain" && p.human_text.empty() &&
                   !g_mime_part_get_filename(part)) {
            p.human_text = part_text(part);
        }
    }

    void walk(GMimeObject* obj) {
        if (!obj || depth >= 32) return;  // hostile nesting: stop
        ++depth;
        if (GMIME_IS_MULTIPART(obj)) {
            GMimeMultipart* mp = GMIME_MULTIPART(obj);
            const int n = g_mime_multipart_get_count(mp);
            for (int i = 0; i < n && i < 64; ++i) walk(g_mime_multipart_get_part(mp, i));
        } else if (GMIME_IS_MESSAGE_PART(obj)) {
            message_part(obj);
        } else if (GMIME_IS_PART(obj)) {
            leaf(obj);
        }
        --depth;
    }
};

std::size_t body_offset(std::string_view raw) {
    const std::size_t lf = raw.find("\n\n"), crlf = raw.find("\r\n\r\n");
    if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf))
        return crlf + 4;
    return lf == std::string_view::npos ? raw.size() : lf + 2;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        pos = eol + 1;
    }
    return lines;
}

// A multipart body whose parts do not use the declared boundary (Postfix relays have
// been seen to rewrite one and not the other): the line "--X" most often seen is taken
// as the boundary and each part's headers read by hand. Transfer encodings are not
// undone; report parts are 7-bit in practice.
void read_loose_parts(std::string_view body, BounceParts& p) {
    const auto lines = lines_of(body.substr(0, std::min(body.size(), kMaxText)));
    std::map<std::string_view, int> seen;
    for (std::string_view l : lines)
        if (l.size() > 2 && l.starts_with("--")) {
            if (l.ends_with("--")) l.remove_suffix(2);
            ++seen[l];
        }
    std::string_view boundary;
    int best = 1;
    for (const auto& [line, count] : seen)
        if (count > best) boundary = line, best = count;
    if (boundary.empty()) return;

    std::vector<std::string> chunks(1);
    for (std::string_view l : lines) {
        if (l.starts_with(boundary) &&
            (l.size() == boundary.size() || l.substr(boundary.size()) == "--")) {
            chunks.emplace_back();
            continue;
        }
        chunks.back().append(l).append("\n");
    }
    for (std::size_t i = 1; i < chunks.size(); ++i) {
        const std::string& chunk = chunks[i];
        const std::size_t split = chunk.find("\n\n");
        if (split == std::string::npos) continue;
        const auto head = parse_field_blocks(std::string_view(chunk).substr(0, split));
        if (head.empty()) continue;
        std::string type = lower(field(head.front(), "content-type"));
        type = collapse_spaces(type.substr(0, type.find(';')));
        const std::string content = sanitize_utf8(std::string_view(chunk).substr(split + 2));
        if (is_report(type, "delivery-status") && !p.has_delivery_status) {
            p.has_delivery_status = true;
            p.delivery_status = content;
        } else if (is_report(type, "feedback-report") && !p.has_feedback_report) {
            p.has_feedback_report = true;
            p.feedback_report = content;
        } else if ((type == "message/rfc822" || is_original_headers(type)) &&
                   p.original.message_id.empty()) {
            const auto blocks = parse_field_blocks(content);
            if (!blocks.empty()) p.original = original_from_headers(blocks.front());
        } else if ((type == "text/plain" || type.empty()) && p.human_text.empty()) {
            p.human_text = content;
        }
    }
}

// "\r\r\n" → "\r\n", as parse_inbound does: GMime would miss the end of the headers.
std::string collapse_carriage_returns(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\r')) out += s[i];
    return out;
}

}  // namespace

BounceParts read_parts(std::string_view raw) {
    ensure_gmime();
    std::string repaired;
    if (raw.find("\r\r\n") != std::string_view::npos) {
        repaired = collapse_carriage_returns(raw);
        raw = repaired;
    }
    BounceParts p;
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    GPtr<GMimeMessage> m(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!m) return p;

    const std::size_t body = body_offset(raw);
    const auto head = parse_field_blocks(raw.substr(0, body));
    if (!head.empty()) p.headers = head.front();
    for (Field& f : p.headers) f.value = sanitize_utf8(f.value);
    p.subject = sanitize_utf8(str(g_mime_message_get_subject(m.get())));
    p.from = field(p.headers, "from");

    GMimeObject* top = g_mime_message_get_mime_part(m.get());
    p.readable = top != nullptr || !p.headers.empty();
    if (!top) return p;
    p.content_type = type_of(top);
    p.report_type = lower(str(g_mime_object_get_content_type_parameter(top, "report-type")));

    Walker w{p, 0};
    w.walk(top);
    if (GMIME_IS_MULTIPART(top) && !p.has_delivery_status && !p.has_feedback_report)
        read_loose_parts(raw.substr(body), p);
    return p;
}

}  // namespace cis::mail::bounce_detail
