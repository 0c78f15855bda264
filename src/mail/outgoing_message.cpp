// Plain-text messages are assembled directly rather than through GMime's object model:
// that model costs ≈100 µs a message (ARCHITECTURE.md, measured again here with
// callgrind: half of the intake writer's work), and these messages have one fixed
// shape. GMime still does the parts that need care: RFC 2047 encoded words, header
// folding, dates and Message-IDs.
#include "mail/outgoing_message.hpp"

#include <gmime/gmime.h>

#include <cctype>
#include <memory>

#include "mail/gmime_init.hpp"

namespace cis::mail {

namespace {

struct GFree {
    void operator()(char* p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree>;

bool is_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) return false;
    return true;
}

bool lines_fit(std::string_view s) {
    std::size_t run = 0;
    for (char c : s) {
        run = c == '\n' ? 0 : run + 1;
        if (run > 900) return false;
    }
    return true;
}

// "Name <addr>" with the name as an RFC 2047 phrase when it needs encoding.
std::string mailbox(const std::string& name, const std::string& address) {
    if (name.empty()) return address;
    GString_ phrase(g_mime_utils_header_encode_phrase(nullptr, name.c_str(), "utf-8"));
    return std::string(phrase.get()) + " <" + address + ">";
}

std::string folded(const std::string& header) {
    GString_ f(g_mime_utils_unstructured_header_fold(nullptr, nullptr, header.c_str()));
    std::string out(f.get());
    // GMime folds with "\n": the wire form is CRLF.
    std::string crlf;
    for (char c : out) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    if (!crlf.ends_with("\r\n")) crlf += "\r\n";
    return crlf;
}

std::string crlf_lines(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out;
}

std::string base64_lines(std::string_view data) {
    GString_ b64(g_base64_encode(reinterpret_cast<const guchar*>(data.data()), data.size()));
    std::string_view all(b64.get());
    std::string out;
    for (std::size_t i = 0; i < all.size(); i += 76) {
        out.append(all.substr(i, 76));
        out += "\r\n";
    }
    return out;
}

// Every header but the Content-* ones of the body.
std::string common_headers(const TextMessage& m) {
    ensure_gmime();
    std::string out;
    GDateTime* when = g_date_time_new_from_unix_utc(m.date);
    GString_ date(g_mime_utils_header_format_date(when));
    g_date_time_unref(when);
    GString_ id(g_mime_utils_generate_message_id(m.message_id_domain.c_str()));
    GString_ subject(g_mime_utils_header_encode_text(nullptr, m.subject.c_str(), "utf-8"));

    out += folded("From: " + mailbox(m.from_name, m.from_address));
    out += folded("To: " + mailbox(m.to_name, m.to_address));
    out += folded(std::string("Subject: ") + subject.get());
    out += std::string("Date: ") + date.get() + "\r\n";
    out += std::string("Message-ID: <") + id.get() + ">\r\n";
    if (!m.in_reply_to.empty()) {
        out += "In-Reply-To: <" + m.in_reply_to + ">\r\n";
        out += "References: <" + m.in_reply_to + ">\r\n";
    }
    // Machine-generated (RFC 3834): vacation responders must not answer it.
    out += "Auto-Submitted: auto-generated\r\n";
    out += "MIME-Version: 1.0\r\n";
    return out;
}

// The text as a body: its Content-* headers, a blank line, the encoded text.
std::string text_body(const std::string& text) {
    std::string out = "Content-Type: text/plain; charset=utf-8\r\n";
    if (is_ascii(text) && lines_fit(text)) {
        out += "Content-Transfer-Encoding: 7bit\r\n\r\n";
        out += crlf_lines(text);
    } else {
        out += "Content-Transfer-Encoding: base64\r\n\r\n";
        out += base64_lines(crlf_lines(text));
    }
    return out;
}

}  // namespace

std::string build_text_message(const TextMessage& m) {
    std::string out = common_headers(m);
    out.reserve(out.size() + m.text.size() + 128);
    out += text_body(m.text);
    return out;
}

std::string build_text_message(const TextMessage& m, const Attachment& a) {
    // base64 never contains "=_", so this boundary cannot occur inside the parts.
    GString_ unique(g_mime_utils_generate_message_id("boundary"));
    std::string boundary = "=_cis_";
    for (char c : std::string_view(unique.get()))
        if (std::isalnum(static_cast<unsigned char>(c))) boundary += c;
    std::string out = common_headers(m);
    out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
    out += "--" + boundary + "\r\n" + text_body(m.text);
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + a.content_type + "; name=\"" + a.filename + "\"\r\n";
    out += "Content-Disposition: attachment; filename=\"" + a.filename + "\"\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64_lines(a.data);
    out += "--" + boundary + "--\r\n";
    return out;
}

}  // namespace cis::mail
