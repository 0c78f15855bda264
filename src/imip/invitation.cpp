#include "imip/invitation.hpp"

#include <fmt/format.h>

#include "imip/human_text.hpp"
#include "imip/mime_text.hpp"

namespace cis::imip {

namespace {

// Boundaries start with "=_", which neither quoted-printable nor base64 can produce, and
// neither is a prefix of the other (RFC 2046 §5.1.1).
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

char kind_letter(Kind k) {
    return k == Kind::Invitation ? 'i' : k == Kind::Update ? 'u' : 'c';
}

CalendarInput calendar_input(const TemplateInput& in) {
    CalendarInput c(in.event);
    c.cancel = in.kind == Kind::Cancellation;
    c.occurrences = in.occurrences;
    c.prodid = in.prodid;
    c.dtstamp = in.dtstamp;
    c.organizer_name = in.organizer_name;
    c.rsvp_address = in.rsvp_address;
    return c;
}

// Characters safe in a Message-ID's left side (RFC 5322 dot-atom-text, minus the rare).
void append_id_safe(std::string& out, std::string_view s) {
    for (char c : s)
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_' || c == '+')
            out += c;
}

}  // namespace

InvitationTemplate::InvitationTemplate(const TemplateInput& in)
    : calendar_(calendar_input(in)), message_id_domain_(in.message_id_domain) {
    const HumanText text = describe(in.event, in.kind, in.organizer_name, in.occurrences);
    subject_ = text.subject;
    message_id_suffix_ =
        fmt::format(".{}{}.{}", kind_letter(in.kind), in.event.sequence, in.dtstamp);

    head_ = "From: ";
    append_mailbox(head_, in.organizer_name, in.rsvp_address, 6);
    head_ += "\r\nSubject: ";
    append_unstructured(head_, text.subject, 9);
    head_ += "\r\nDate: " + rfc5322_date(in.dtstamp) + "\r\nMIME-Version: 1.0\r\n";
    if (!in.reply_to.empty()) {
        head_ += "Reply-To: ";
        append_header_safe(head_, in.reply_to);
        head_ += "\r\n";
    }

    const std::uint64_t h = fnv1a(fmt::format("{}\n{}\n{}\n{}", in.event.id, in.event.sequence,
                                              kind_letter(in.kind), in.dtstamp));
    const std::string mixed = fmt::format("=_cis_mixed_{:016x}", h);
    const std::string alt = fmt::format("=_cis_alt_{:016x}", h);
    body_ = fmt::format(
        "Content-Type: multipart/mixed; boundary=\"{0}\"\r\n"
        "\r\n"
        "--{0}\r\n"
        "Content-Type: multipart/alternative; boundary=\"{1}\"\r\n"
        "\r\n"
        "--{1}\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "{2}"
        "--{1}\r\n"
        "Content-Type: text/html; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "{3}"
        "--{1}\r\n"
        "Content-Type: text/calendar; charset=UTF-8; method={4}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n",
        mixed, alt, quoted_printable(text.plain), quoted_printable(text.html), method());
    between_ = fmt::format(
        "--{1}--\r\n"
        "\r\n"
        "--{0}\r\n"
        "Content-Type: application/ics; name=\"invite.ics\"\r\n"
        "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n",
        mixed, alt);
    tail_ = fmt::format("--{}--\r\n", mixed);
}

void InvitationTemplate::append_message_id(std::string& out, const Recipient& r) const {
    if (!r.message_id_local.empty()) {
        append_id_safe(out, r.message_id_local);
    } else {
        append_id_safe(out, std::string_view(r.uid).substr(0, r.uid.find('@')));
        out += message_id_suffix_;
    }
    out += '@';
    append_header_safe(out, message_id_domain_);
}

std::string InvitationTemplate::message_id(const Recipient& r) const {
    std::string out;
    append_message_id(out, r);
    return out;
}

void InvitationTemplate::append_headers(std::string& out, const Recipient& r) const {
    out += "To: ";
    append_mailbox(out, r.name, r.email, 4);
    out += "\r\nMessage-ID: <";
    const std::size_t id_at = out.size();
    append_message_id(out, r);
    out += ">\r\n";
    // Lines should stay within 78 characters (RFC 5322 §2.1.1): fold before the id.
    if (out.size() - id_at + 13 > 80) out.insert(id_at - 1, "\r\n ");
    if (!r.unsubscribe_url.empty() || !r.unsubscribe_mailto.empty()) {
        out += "List-Unsubscribe: ";
        if (!r.unsubscribe_url.empty()) {
            out += '<';
            append_header_safe(out, r.unsubscribe_url);
            out += '>';
            if (!r.unsubscribe_mailto.empty()) out += ",\r\n ";
        }
        if (!r.unsubscribe_mailto.empty()) {
            out += r.unsubscribe_mailto.starts_with("mailto:") ? "<" : "<mailto:";
            append_header_safe(out, r.unsubscribe_mailto);
            out += '>';
        }
        out += "\r\n";
        // RFC 8058: one-click needs an HTTPS URI to POST to.
        if (r.unsubscribe_url.starts_with("https://"))
            out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    }
}

std::string InvitationTemplate::render(const Recipient& r) const {
    thread_local std::string calendar;
    calendar.clear();
    calendar_.render(calendar, r.uid, r.email, r.name);
    const std::size_t encoded = base64_lines_size(calendar.size());

    std::string out;
    out.reserve(head_.size() + body_.size() + between_.size() + tail_.size() + 2 * encoded +
                r.email.size() + r.name.size() * 2 + r.uid.size() + r.unsubscribe_url.size() +
                r.unsubscribe_mailto.size() + r.message_id_local.size() +
                message_id_domain_.size() + 256);
    out += head_;
    append_headers(out, r);
    out += body_;
    const std::size_t at = out.size();
    append_base64_lines(out, calendar);
    out += between_;
    // The attachment is the same calendar: copy the encoding instead of redoing it. The
    // reservation above guarantees no reallocation, so the source stays valid.
    out.append(out, at, encoded);
    out += tail_;
    return out;
}

}  // namespace cis::imip
