// classify_bounce: which kind of report a message is, and the decision table of
// bounce.hpp. The parts are found in bounce_mime.cpp, the words read in bounce_text.cpp.
#include "mail/bounce.hpp"

#include <exception>

#include "itip/reply_rules.hpp"
#include "mail/bounce_internal.hpp"

namespace cis::mail {

using namespace bounce_detail;
using Kind = BounceReport::Kind;

namespace {

struct Verdict {
    Kind kind;
    std::string why;
};

// RFC 3463's subjects, by the code's second number.
constexpr const char* kSubjects[] = {"other",   "addressing", "mailbox", "mail system",
                                     "routing", "protocol",   "content", "policy"};

// The decision table of bounce.hpp for a message that was not delivered. `wording` is
// the diagnostic and the bounce's text, lower-cased.
Verdict judge_failure(const std::string& status, int smtp, const std::string& wording) {
    const std::string code = status.empty() ? std::to_string(smtp) : status;
    const char cls = status.empty() ? '\0' : status[0];
    // "5.1.351" → subject "1", detail "351".
    const std::size_t dot = status.find('.', 2);
    const std::string subject = cls ? status.substr(2, dot - 2) : "";
    const std::string detail = cls ? status.substr(dot + 1) : "";
    if (cls == '4')
        return {Kind::Soft, "Temporary failure " + status + ": the address may work later."};
    if (cls == '5' && (subject != "0" || detail != "0")) {
        if (subject == "2" && detail == "2")
            return {Kind::Soft, "The mailbox is full (" + status + "), not a dead address."};
        if (subject == "3" && detail == "4")
            return {Kind::Soft, "The message was too big (" + status + "), not the address."};
        if (subject == "4" && detail == "7")
            return {Kind::Soft,
                    "Delivery expired (" + status + ") with no verdict on the address."};
        if (subject == "6")
            return {Kind::Soft, "The content was refused (" + status + "), not the address."};
        if (subject == "7")
            return {Kind::Soft, "Refused by the receiving side's policy (" + status +
                                    ": spam filtering, reputation, authentication or access "
                                    "rules), not a dead address."};
        const char* name =
            subject.size() == 1 && subject[0] <= '7' ? kSubjects[subject[0] - '0'] : kSubjects[0];
        return {Kind::Hard, "Permanent failure " + status + " (" + name +
                                "): the address does not accept mail."};
    }
    if (says_mailbox_full(wording))
        return {Kind::Soft, "The remote server says the mailbox is full, not that it is dead."};
    if (says_policy_block(wording))
        return {Kind::Soft, "The remote server blocked the message by policy, not the address."};
    if (cls == '5' || smtp / 100 == 5)
        return {Kind::Hard, "Permanent failure " + code + " without a more specific code."};
    if (smtp / 100 == 4)
        return {Kind::Soft, "Temporary failure " + code + ": the address may work later."};
    if (says_address_dead(wording) && says_permanent(wording))
        return {Kind::Hard, "The bounce says the address does not exist, permanently."};
    return {Kind::Soft, "The message was not delivered, but nothing says the address is dead."};
}

// The Status field, or a more specific code of its class from the remote's words.
std::string refine_status(std::string_view status_field, const std::string& diagnostic) {
    std::string status(status_field.substr(0, status_field.find_first_of(" \t(")));
    if (!is_enhanced_code(status)) status.clear();
    if (!status.empty() && !status.ends_with(".0.0")) return status;
    const std::string better = enhanced_code(diagnostic, status.empty() ? 0 : status[0]);
    return better.empty() ? status : better;
}

// "smtp; 550 5.1.1 ..." → "550 5.1.1 ...".
std::string strip_diagnostic_type(const std::string& value) {
    const std::size_t semi = value.find(';');
    if (semi == std::string::npos || value.find(' ') < semi) return collapse_spaces(value);
    return collapse_spaces(std::string_view(value).substr(semi + 1));
}

// "A DSN" + "The mailbox is full." → "A DSN: the mailbox is full."
std::string sentence(std::string_view what, std::string why) {
    if (!why.empty() && why[0] >= 'A' && why[0] <= 'Z')
        why[0] = static_cast<char>(why[0] - 'A' + 'a');
    return std::string(what) + ": " + why;
}

std::string first_of(std::initializer_list<std::string> candidates) {
    for (const auto& c : candidates)
        if (!c.empty()) return c;
    return {};
}

bool is_daemon(const std::string& from) {
    const std::string f = lower(from);
    return contains_any(f, {"mailer-daemon", "mailer_daemon", "mail-daemon", "postmaster@",
                            "mail delivery", "mail administrator"});
}

bool bounce_subject(const std::string& subject) {
    return contains_any(
        lower(subject),
        {"undeliver", "undelivered", "delivery status notification", "delivery failure",
         "delivery failed", "failure notice", "returned mail", "returned to sender",
         "delivery has failed", "non-delivery", "nondeliverable", "delivery problem",
         "mail delivery", "delayed mail", "delivery delayed", "warning: could not send",
         "unzustellbar", "non remis", "no entregado"});
}

// Why the message is an automatic answer, or "" when it is not one: the same rule as
// for rsvp@ (itip::detect_auto_reply), so both mailboxes agree on what an auto-reply is.
std::string auto_reply_signal(const BounceParts& p) {
    itip::AutoReplyHeaders h;
    h.subject = p.subject;
    h.auto_submitted = field(p.headers, "auto-submitted");
    h.x_autoreply = field(p.headers, "x-autoreply");
    h.x_autorespond = field(p.headers, "x-autorespond");
    h.precedence = field(p.headers, "precedence");
    const itip::AutoReplyVerdict v = itip::detect_auto_reply(h);
    return v.auto_reply ? one_line(v.reason, 200) : std::string();
}

BounceReport complaint(const BounceParts& p, const TextReading& text) {
    BounceReport r;
    const auto blocks = parse_field_blocks(p.feedback_report);
    const FieldBlock none;
    const FieldBlock& fb = blocks.empty() ? none : blocks.front();
    const std::string type = lower(field(fb, "feedback-type"));
    r.recipient =
        first_of({first_address(field(fb, "original-rcpt-to")), p.original.to, text.original.to});
    r.diagnostic = field(fb, "user-agent").empty()
                       ? std::string()
                       : "Reported by " + one_line(field(fb, "user-agent"), 200);
    if (type == "not-spam") {
        r.reason = "An ARF report that the message is not spam: nothing to suppress.";
    } else if (type == "auth-failure") {
        r.reason = "An ARF authentication-failure report (RFC 6591), not a recipient's complaint.";
    } else {
        r.kind = Kind::Complaint;
        r.reason = "An ARF feedback report (Feedback-Type: " +
                   (type.empty() ? "none" : one_line(type, 40)) +
                   "): the recipient reported the message as unwanted.";
    }
    return r;
}

// A DSN's per-recipient blocks: the first failed one, else delayed, else any.
BounceReport from_dsn(const BounceParts& p, const TextReading& text, bool* usable) {
    BounceReport r;
    const FieldBlock* chosen = nullptr;
    std::string chosen_action;
    int rank = 0, failed = 0;
    const auto blocks = parse_field_blocks(p.delivery_status);
    for (const FieldBlock& b : blocks) {
        std::string action = lower(collapse_spaces(field(b, "action")));
        action = action.substr(0, action.find_first_of(" ("));
        if (!contains_any(action, {"failed", "delayed", "delivered", "relayed", "expanded"}))
            action.clear();  // unknown (or misspelt): the Status class decides
        const std::string status = field(b, "status");
        if (action.empty() && is_enhanced_code(status.substr(0, status.find(' '))))
            action = status[0] == '5' ? "failed" : status[0] == '4' ? "delayed" : "delivered";
        if (action.empty()) continue;  // the per-message fields
        const int severity = action == "failed" ? 3 : action == "delayed" ? 2 : 1;
        failed += severity == 3;
        if (severity > rank) chosen = &b, chosen_action = action, rank = severity;
    }
    *usable = chosen != nullptr;
    if (!chosen) return r;
    const FieldBlock& b = *chosen;
    r.recipient = first_of({address_of_field(field(b, "original-recipient")),
                            address_of_field(field(b, "final-recipient")),
                            first_address(field(p.headers, "x-failed-recipients")), text.recipient,
                            p.original.to});
    r.diagnostic =
        one_line(first_of({strip_diagnostic_type(field(b, "diagnostic-code")), text.diagnostic}));
    r.status = refine_status(field(b, "status"), r.diagnostic);
    if (rank == 1) {
        r.reason = "A DSN saying Action: " + one_line(chosen_action, 40) + ", not a failure.";
        return r;
    }
    if (rank == 2) {
        r.kind = Kind::Soft;
        r.reason = "A DSN saying delivery is delayed" +
                   (r.status.empty() ? std::string() : " (" + r.status + ")") +
                   ": the remote server is still trying.";
        return r;
    }
    const Verdict v =
        judge_failure(r.status, smtp_code(r.diagnostic), lower(r.diagnostic) + " " + text.wording);
    r.kind = v.kind;
    r.reason = sentence("A DSN", v.why);
    if (failed > 1) {
        if (r.reason.ends_with(".")) r.reason.pop_back();
        r.reason += "; it is the first of " + std::to_string(failed) + " failed recipients.";
    }
    return r;
}

BounceReport from_text(const BounceParts& p, const TextReading& text, const char* what) {
    BounceReport r;
    r.recipient =
        first_of({first_address(field(p.headers, "x-failed-recipients")), text.recipient});
    r.diagnostic = text.diagnostic;
    r.status = first_of({enhanced_code(text.diagnostic), enhanced_code(text.wording)});
    // The subject only counts where a server wrote it: it may quote the original's.
    const std::string subject = lower(p.subject);
    const bool delay_subject =
        subject.starts_with("delayed mail") || subject.starts_with("warning: message") ||
        subject.starts_with("warning: could not send") ||
        subject.starts_with("delivery status notification (delay)") ||
        subject.starts_with("delivery delayed") || subject.starts_with("mail delivery delayed");
    if (says_delayed(text.wording) || delay_subject) {
        r.kind = Kind::Soft;
        r.reason = std::string(what) + " saying delivery is delayed: the server is still trying.";
        return r;
    }
    int smtp = smtp_code(text.diagnostic);
    if (!smtp) smtp = smtp_code(text.wording);
    const Verdict v = judge_failure(r.status, smtp, lower(text.diagnostic) + " " + text.wording);
    r.kind = v.kind;
    r.reason = sentence(what, v.why);
    return r;
}

BounceReport classify(std::string_view raw) {
    const BounceParts p = read_parts(raw);
    BounceReport r;
    if (!p.readable) {
        r.reason = "Not a readable RFC 5322 message.";
        return r;
    }
    const TextReading text = read_text(p.human_text);
    const bool report = p.content_type == "multipart/report";
    if (p.has_feedback_report || (report && p.report_type == "feedback-report")) {
        r = complaint(p, text);
    } else {
        bool usable = false;
        if (p.has_delivery_status) r = from_dsn(p, text, &usable);
        if (!usable) {
            const bool dsn =
                p.has_delivery_status || (report && p.report_type == "delivery-status");
            const bool x_failed = !field(p.headers, "x-failed-recipients").empty();
            const bool daemon = is_daemon(p.from), subject = bounce_subject(p.subject);
            if (dsn) {
                r = from_text(p, text, "A DSN without per-recipient fields");
            } else if (x_failed || (daemon && (subject || text.bounce_wording)) ||
                       (subject && text.bounce_wording)) {
                r = from_text(p, text, "A plain-text bounce");
            } else if (report && p.report_type == "disposition-notification") {
                r.reason = "A read receipt (RFC 8098 disposition notification), not a bounce.";
            } else if (const std::string signal = auto_reply_signal(p); !signal.empty()) {
                const bool generated = lower(signal).find("auto-generated") != std::string::npos;
                r.reason =
                    (generated ? "An automatically generated message (" : "An automatic reply (") +
                    signal + "), not a delivery failure.";
            } else {
                r.reason =
                    "Neither a DSN, a feedback report, a recognisable bounce nor an "
                    "auto-reply.";
            }
        }
    }
    // The returned original as a MIME part, else the copy at the end of the text.
    r.original_message_id = first_of({p.original.message_id, text.original.message_id});
    r.original_envelope_from = first_of({p.original.envelope_from, text.original.envelope_from});
    return r;
}

}  // namespace

const char* to_string(BounceReport::Kind kind) {
    switch (kind) {
        case Kind::Hard:
            return "hard";
        case Kind::Soft:
            return "soft";
        case Kind::Complaint:
            return "complaint";
        case Kind::NotABounce:
            return "not_a_bounce";
    }
    return "not_a_bounce";
}

BounceReport classify_bounce(std::string_view raw_message) {
    try {
        return classify(raw_message);
    } catch (const std::exception& e) {  // std::bad_alloc on absurd input: say so, don't throw
        BounceReport r;
        r.reason = std::string("Could not be read: ") + e.what() + ".";
        return r;
    }
}

}  // namespace cis::mail
