#include "itip/reply_rules.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "core/address.hpp"

namespace cis::itip {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// The mailbox behind an address as mail systems deliver it: the +detail dropped (Outlook
// strips it from the invited address), and for Gmail the dots of the local part and the
// googlemail.com alias (Gmail delivers all of these to one account).
std::string mailbox_of(std::string_view address) {
    const std::string domain = domain_part(address);
    std::string local = base_local_part(local_part(address));
    if (local.empty() || domain.empty()) return {};
    if (domain == "gmail.com" || domain == "googlemail.com") {
        std::string undotted;
        for (char c : local)
            if (c != '.') undotted += c;
        return undotted + "@gmail.com";
    }
    return local + "@" + domain;
}

}  // namespace

// ---- PARTSTAT -------------------------------------------------------------------------

const char* to_string(Rsvp r) {
    switch (r) {
        case Rsvp::Yes:
            return "yes";
        case Rsvp::No:
            return "no";
        case Rsvp::Maybe:
            return "maybe";
        case Rsvp::None:
            break;
    }
    return "none";
}

PartstatStatus status_of_partstat(std::string_view partstat) {
    PartstatStatus s;
    s.raw = std::string(trim(partstat));
    std::string v;
    for (char c : s.raw)
        if (c != '"') v += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    s.recognised = true;
    if (v == "ACCEPTED") {
        s.status = Rsvp::Yes;
    } else if (v == "DECLINED") {
        s.status = Rsvp::No;
    } else if (v == "TENTATIVE") {
        s.status = Rsvp::Maybe;
    } else if (v == "DELEGATED") {
        s.status = Rsvp::No;
        s.delegated = true;
    } else if (v == "NEEDS-ACTION" || v.empty()) {
        s.status = Rsvp::None;  // RFC 5545: NEEDS-ACTION is the default
    } else {
        s.status = Rsvp::None;
        s.recognised = false;
    }
    return s;
}

// ---- Client family ----------------------------------------------------------------------

const char* to_string(ClientFamily f) {
    switch (f) {
        case ClientFamily::Google:
            return "google";
        case ClientFamily::Microsoft:
            return "microsoft";
        case ClientFamily::Apple:
            return "apple";
        case ClientFamily::Mozilla:
            return "mozilla";
        case ClientFamily::Other:
            break;
    }
    return "other";
}

ClientFamily client_family(std::string_view prodid) {
    const std::string p = lower(prodid);
    if (contains(p, "google")) return ClientFamily::Google;
    for (std::string_view m : {"microsoft", "outlook", "exchange server"})
        if (contains(p, m)) return ClientFamily::Microsoft;
    for (std::string_view m : {"mozilla", "thunderbird", "lightning", "sunbird"})
        if (contains(p, m)) return ClientFamily::Mozilla;
    for (std::string_view m :
         {"apple", "//ical ", "iphone", "ipad", "//ios ", "mac os", "macos", "calendarserver.org"})
        if (contains(p, m)) return ClientFamily::Apple;
    return ClientFamily::Other;
}

// ---- Which ATTENDEE ----------------------------------------------------------------------

const char* to_string(AttendeeMatch m) {
    switch (m) {
        case AttendeeMatch::Exact:
            return "exact";
        case AttendeeMatch::Tolerant:
            return "tolerant";
        case AttendeeMatch::Forwarded:
            return "forwarded";
        case AttendeeMatch::None:
            break;
    }
    return "none";
}

AttendeeChoice choose_attendee(const ReplyEvent& event, std::string_view invited_raw) {
    std::string invited = normalize_address(invited_raw);
    if (invited.empty()) invited = lower(trim(invited_raw));
    for (const auto& a : event.attendees) {
        if (!invited.empty() && a.address == invited)
            return {AttendeeMatch::Exact, &a, "the invited address"};
    }
    for (const auto& a : event.attendees) {
        if (!invited.empty() && a.email == invited)
            return {AttendeeMatch::Exact, &a, "the invited address in the EMAIL parameter"};
    }
    const std::string mailbox = mailbox_of(invited);
    if (!mailbox.empty()) {
        for (const auto& a : event.attendees) {
            for (const std::string* addr : {&a.address, &a.email}) {
                if (addr->empty() || mailbox_of(*addr) != mailbox) continue;
                const bool tag = local_part(*addr).find('+') != std::string::npos ||
                                 local_part(invited).find('+') != std::string::npos;
                return {AttendeeMatch::Tolerant, &a,
                        fmt::format("{} written as {}{}", invited, *addr,
                                    tag ? " (+tag differs)" : " (same Gmail mailbox)")};
            }
        }
    }
    const ReplyAttendee* only = nullptr;
    int with_address = 0;
    for (const auto& a : event.attendees) {
        if (a.address.empty() && a.email.empty()) continue;
        ++with_address;
        only = &a;
    }
    if (with_address == 1)
        return {AttendeeMatch::Forwarded, only,
                fmt::format("the reply's only ATTENDEE is {}, not the invited {}",
                            only->address.empty() ? only->email : only->address, invited)};
    if (event.attendees.empty()) return {AttendeeMatch::None, nullptr, "the reply has no ATTENDEE"};
    return {AttendeeMatch::None, nullptr,
            fmt::format("none of the reply's {} ATTENDEEs is {}", event.attendees.size(), invited)};
}

// ---- Ordering -------------------------------------------------------------------------------

bool is_newer(const Version& reply, const Version& stored) {
    if (reply.sequence != stored.sequence) return reply.sequence > stored.sequence;
    return reply.dtstamp > stored.dtstamp;
}

bool is_newer(const Version& reply, std::int64_t reply_received, const Version& stored,
              std::int64_t stored_received) {
    if (reply != stored) return is_newer(reply, stored);
    return reply_received > 0 && reply_received > stored_received;
}

// ---- Automatic answers ----------------------------------------------------------------------

AutoReplyVerdict detect_auto_reply(const AutoReplyHeaders& h) {
    // RFC 3834: "Auto-Submitted: auto-replied; comment". Only the keyword counts.
    std::string auto_submitted = lower(trim(h.auto_submitted));
    if (auto auto_end = auto_submitted.find_first_of("; \t("); auto_end != std::string::npos)
        auto_submitted.resize(auto_end);
    if (!auto_submitted.empty() && auto_submitted != "no") {
        if (!(auto_submitted == "auto-generated" && h.carries_calendar_reply))
            return {true, fmt::format("Auto-Submitted: {}", trim(h.auto_submitted))};
    }
    if (const auto v = lower(trim(h.x_autoreply)); !v.empty() && v != "no" && v != "false")
        return {true, fmt::format("X-Autoreply: {}", trim(h.x_autoreply))};
    if (const auto v = lower(trim(h.x_autorespond)); !v.empty() && v != "no" && v != "false")
        return {true, fmt::format("X-Autorespond: {}", trim(h.x_autorespond))};
    const std::string precedence = lower(trim(h.precedence));
    if (precedence == "auto_reply" || precedence == "bulk" || precedence == "junk")
        return {true, fmt::format("Precedence: {}", trim(h.precedence))};

    // Prefixes autoresponders put before (or instead of) the original subject. Compared
    // after ASCII lower-casing, so the accented letters are written in lower case here.
    static constexpr std::array<std::string_view, 16> kPrefixes = {
        "automatic reply",
        "auto reply",
        "auto-reply",
        "autoreply",
        "auto:",
        "out of office",
        "out of the office",
        "abwesenheitsnotiz",
        "automatische antwort",
        "réponse automatique",
        "reponse automatique",
        "respuesta automática",
        "risposta automatica",
        "automatisch antwoord",
        "autosvar",
        "resposta automática",
    };
    const std::string subject = lower(trim(h.subject));
    for (std::string_view prefix : kPrefixes)
        if (subject.starts_with(prefix))
            return {true, fmt::format("the subject \"{}\" is an autoresponder's", trim(h.subject))};
    return {};
}

}  // namespace cis::itip
