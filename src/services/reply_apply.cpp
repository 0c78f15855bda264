#include "services/reply_apply.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "imip/recipient_uid.hpp"
#include "itip/reply_rules.hpp"
#include "mail/outgoing_message.hpp"
#include "services/invites.hpp"
#include "services/organizer_mail.hpp"

namespace cis::services {

namespace {

using itip::AttendeeMatch;

// What became of one VEVENT of an answer.
struct Answer {
    std::string uid, outcome, reason, event_id, attendee, status, client;
};

class ReplyApplication {
  public:
    ReplyApplication(store::Tx& tx, const Prepared& p, const IntakePolicy& policy,
                     std::int64_t inbound_id, std::int64_t now)
        : tx_(tx), p_(p), policy_(policy), inbound_id_(inbound_id), now_(now) {}

    ReplyOutcome run();

  private:
    Answer answer(const IncomingReply& reply, const ReplyEvent& ev);
    Answer record(const IncomingReply& reply, const ReplyEvent& ev, const store::Invitee& inv,
                  const ReplyAttendee& who, const std::string& how);
    Answer counter(const IncomingReply& reply, const ReplyEvent& ev, const store::Invitee& inv,
                   const ReplyAttendee& who, const Event& event);
    Answer refresh(const ReplyEvent& ev, const store::Invitee& inv, const Event& event);
    // The attendee an invitation was forwarded to; nullopt (and `why`) when the address
    // belongs to another invitation of the event, which this UID does not speak for.
    std::optional<store::Invitee> forwarded_attendee(const store::Invitee& from,
                                                     const ReplyAttendee& who, std::string& why);
    void notify_organizer(const Event& event, const std::string& subject, const std::string& text);
    // What every history row says of the message it came in.
    store::ReplyRecord history_row(const IncomingReply& reply, const ReplyEvent& ev,
                                   const store::Invitee& inv, const ReplyAttendee& who) const;

    store::Tx& tx_;
    const Prepared& p_;
    const IntakePolicy& policy_;
    const std::int64_t inbound_id_, now_;
    bool work_queued_ = false;
};

Answer quarantined(const ReplyEvent& ev, std::string reason) {
    return Answer{ev.uid, "quarantined", std::move(reason), "", "", "", ""};
}

// What happened to an answer of a known invitee, as the inbound record shows it.
Answer about(const ReplyEvent& ev, const store::Invitee& inv, std::string outcome,
             std::string reason, std::string client = "") {
    return Answer{ev.uid,    std::move(outcome), std::move(reason), inv.event_id,
                  inv.email, inv.status,         std::move(client)};
}

// Whether an answer is older than the one kept. SEQUENCE first; at equal SEQUENCE, DTSTAMP
// only compares answers of the same client family: iOS and Outlook for Mac echo the
// invitation's DTSTAMP, so an answer changed on the phone after one given in Gmail would
// look older than it is. Between clients, the later arrival wins.
bool is_older(const Version& answer, const std::string& client, const store::Invitee& kept,
              std::int64_t received) {
    if (!kept.reply_sequence) return false;
    const Version stored{*kept.reply_sequence, kept.reply_dtstamp.value_or(0)};
    if (answer.sequence == stored.sequence && client != kept.client) return false;
    return !itip::is_newer(answer, received, stored, kept.responded_at.value_or(0));
}

std::string when(const CalTime& t) {
    return to_rfc3339(t);
}

Answer ReplyApplication::answer(const IncomingReply& reply, const ReplyEvent& ev) {
    const auto inv = tx_.find_invitee_by_uid(ev.uid);
    if (!inv)
        return quarantined(ev, fmt::format("UID {} was never issued by CIS: not counted", ev.uid));
    const auto event = tx_.find_event_by_id(inv->event_id);
    if (!event) return quarantined(ev, "the event of this invitation no longer exists");
    if (reply.method == "REFRESH") return refresh(ev, *inv, *event);

    const itip::AttendeeChoice choice = itip::choose_attendee(ev, inv->email);
    if (choice.match == AttendeeMatch::None || !choice.attendee)
        return quarantined(ev, fmt::format("the answer names no attendee for {}'s invitation "
                                           "({}): not counted",
                                           inv->email, choice.how));
    std::optional<store::Invitee> target = inv;
    if (choice.match == AttendeeMatch::Forwarded) {
        std::string why;
        target = forwarded_attendee(*inv, *choice.attendee, why);
        if (!target) return quarantined(ev, why);
    }
    if (reply.method == "COUNTER") return counter(reply, ev, *target, *choice.attendee, *event);
    return record(reply, ev, *target, *choice.attendee, choice.how);
}

std::optional<store::Invitee> ReplyApplication::forwarded_attendee(const store::Invitee& from,
                                                                   const ReplyAttendee& who,
                                                                   std::string& why) {
    if (who.address.empty()) {
        why = "the answer's attendee has no email address: not counted";
        return std::nullopt;
    }
    if (auto existing = tx_.find_invitee(from.event_id, who.address)) {
        if (existing->origin == "forwarded" && existing->forwarded_from == from.id)
            return existing;  // a second answer of the same forwarded attendee
        why = fmt::format(
            "the answer carries {}'s invitation but names {}, who has an "
            "invitation of their own: not counted",
            from.email, who.address);
        return std::nullopt;
    }
    store::Invitee inv;
    inv.event_id = from.event_id;
    inv.email = who.address;
    inv.name = who.name;
    inv.origin = "forwarded";
    inv.forwarded_from = from.id;
    inv.uid = imip::recipient_uid(policy_.uid_key, from.event_id, who.address, policy_.domain);
    inv.delivery = "forwarded";  // CIS sent them nothing: the invitation reached them through
    inv.invited_at = now_;       // `from`
    inv.id = tx_.insert_invitee(inv);
    return inv;
}

store::ReplyRecord ReplyApplication::history_row(const IncomingReply& reply, const ReplyEvent& ev,
                                                 const store::Invitee& inv,
                                                 const ReplyAttendee& who) const {
    store::ReplyRecord r;
    r.invitee_id = inv.id;
    r.recurrence_id = ev.recurrence_id;
    r.client = itip::to_string(itip::client_family(reply.prodid));
    r.prodid = reply.prodid;
    r.attendee = who.address;
    r.sequence = ev.version().sequence;
    r.dtstamp = ev.version().dtstamp;
    r.inbound_id = inbound_id_;
    r.received_at = now_;
    return r;
}

Answer ReplyApplication::record(const IncomingReply& reply, const ReplyEvent& ev,
                                const store::Invitee& inv, const ReplyAttendee& who,
                                const std::string& how) {
    const itip::PartstatStatus ps = itip::status_of_partstat(who.partstat);
    store::ReplyRecord r = history_row(reply, ev, inv, who);
    const std::string& client = r.client;
    r.method = "REPLY";
    r.partstat = ps.raw.empty() ? "NEEDS-ACTION" : ps.raw;
    r.status = itip::to_string(ps.status);
    r.note = how;
    Answer a{ev.uid, "recorded", "", inv.event_id, inv.email, r.status, client};
    if (!ev.recurrence_id.empty()) {
        // One occurrence's answer: kept in the history; the invitee's answer is the series'.
        a.reason = fmt::format("{} answered {} for the occurrence {}", inv.email, r.status,
                               ev.recurrence_id);
    } else if (is_older(ev.version(), client, inv, now_)) {
        r.applied = false;
        a.outcome = "stale";
        a.reason = fmt::format("{}'s answer {} is older than the one kept ({})", inv.email,
                               r.status, inv.status);
    } else {
        store::Invitee updated = inv;
        updated.status = r.status;
        updated.partstat = r.partstat;
        updated.client = client;
        updated.reply_sequence = r.sequence;
        updated.reply_dtstamp = r.dtstamp;
        updated.responded_at = now_;
        tx_.set_invitee_answer(updated);
        a.reason = fmt::format("{} answered {} ({})", inv.email, r.status, client);
    }
    tx_.insert_reply(r);
    return a;
}

Answer ReplyApplication::counter(const IncomingReply& reply, const ReplyEvent& ev,
                                 const store::Invitee& inv, const ReplyAttendee& who,
                                 const Event& event) {
    store::ReplyRecord r = history_row(reply, ev, inv, who);
    r.method = "COUNTER";
    r.partstat = who.partstat;
    r.status = inv.status;  // a proposal is not an answer: the status stays
    r.applied = false;
    if (ev.proposal)
        r.note = fmt::format("proposes {} – {}", when(ev.proposal->start), when(ev.proposal->end));
    tx_.insert_reply(r);
    const std::string title = event.fields.summary.empty() ? "(no title)" : event.fields.summary;
    std::string text = fmt::format("{} proposes a new time for \"{}\" (now {}).\n", inv.email,
                                   title, when(event.fields.start));
    if (ev.proposal)
        text +=
            fmt::format("\nProposed: {} – {}\n", when(ev.proposal->start), when(ev.proposal->end));
    if (!ev.comment.empty()) text += fmt::format("\nTheir comment: {}\n", ev.comment);
    text +=
        "\nTo accept it, move the event in your calendar: CIS sends the update to the "
        "attendees.\n";
    notify_organizer(event, fmt::format("New time proposed: {}", title), text);
    return about(ev, inv, "counter",
                 fmt::format("{} proposed a new time; the organizer was told", inv.email),
                 r.client);
}

Answer ReplyApplication::refresh(const ReplyEvent& ev, const store::Invitee& inv,
                                 const Event& event) {
    if (event.fields.status == EventStatus::Cancelled)
        return about(ev, inv, "refresh", "the event is cancelled: nothing to send again");
    InviteContext c;
    c.uid_key = policy_.uid_key;
    c.token_key = policy_.fanout.token_key;
    c.domain = policy_.domain;
    c.bounce_local = policy_.fanout.bounce_local;
    c.now = now_;
    queue_invitation(tx_, inv, "resend", event.sequence, c);
    work_queued_ = true;
    return about(ev, inv, "refresh",
                 fmt::format("{} asked for the current invitation; it is sent again", inv.email));
}

void ReplyApplication::notify_organizer(const Event& event, const std::string& subject,
                                        const std::string& text) {
    mail::TextMessage m;
    m.from_name = "CIS";
    m.from_address = policy_.notification_local + "@" + policy_.domain;
    m.to_address = event.organizer;
    m.subject = subject;
    m.text = text;
    m.date = now_;
    m.message_id_domain = policy_.domain;
    queue_organizer_mail(tx_,
                         {"notification", event.id, policy_.mailboxes.bounce + "@" + policy_.domain,
                          event.organizer, mail::build_text_message(m)},
                         now_);
    work_queued_ = true;
}

std::string summarise(const std::vector<Answer>& answers, std::string& status) {
    std::set<std::string> outcomes;
    std::string reason;
    for (const auto& a : answers) {
        outcomes.insert(a.outcome);
        if (!reason.empty()) reason += "; ";
        reason += a.reason;
    }
    status = outcomes.size() == 1 ? *outcomes.begin() : "mixed";
    return reason;
}

ReplyOutcome ReplyApplication::run() {
    ReplyOutcome out;
    const mail::InboundMessage& m = p_.mail;
    bool carries_reply = false;
    for (const auto& r : p_.replies) carries_reply |= r.error.empty() && !r.reply.events.empty();
    const auto verdict = itip::detect_auto_reply(itip::AutoReplyHeaders{
        m.subject, m.auto_submitted, m.x_autoreply, m.x_autorespond, m.precedence, carries_reply});
    if (verdict.auto_reply) {
        out.status = "auto_reply";
        out.reason = "an automatic reply (" + verdict.reason + "): stored and ignored";
        return out;
    }
    std::vector<Answer> answers;
    std::set<std::string> seen;  // Google sends the calendar inline and attached: count once
    std::string problems;
    for (const auto& parsed : p_.replies) {
        if (!parsed.error.empty()) {
            problems += (problems.empty() ? "" : "; ") + parsed.error;
            continue;
        }
        const std::string& method = parsed.reply.method;
        if (method != "REPLY" && method != "COUNTER" && method != "REFRESH") {
            problems +=
                fmt::format("{}a calendar with METHOD:{} is not an answer",
                            problems.empty() ? "" : "; ", method.empty() ? "(none)" : method);
            continue;
        }
        for (const auto& ev : parsed.reply.events) {
            std::string who;
            for (const auto& a : ev.attendees) who += a.address + ",";
            if (!seen.insert(method + "\n" + ev.uid + "\n" + ev.recurrence_id + "\n" + who).second)
                continue;
            answers.push_back(answer(parsed.reply, ev));
        }
    }
    if (answers.empty()) {
        out.status = "ignored";
        out.reason = problems.empty() ? "no calendar answer was found in the message"
                                      : "no usable calendar answer: " + problems;
        return out;
    }
    out.reason = summarise(answers, out.status);
    auto details = nlohmann::json::array();
    for (const auto& a : answers) {
        if (!a.event_id.empty() && std::find(out.event_ids.begin(), out.event_ids.end(),
                                             a.event_id) == out.event_ids.end())
            out.event_ids.push_back(a.event_id);
        details.push_back({{"uid", a.uid},
                           {"outcome", a.outcome},
                           {"reason", a.reason},
                           {"attendee", a.attendee},
                           {"status", a.status},
                           {"client", a.client}});
    }
    out.details_json = nlohmann::json{{"answers", details}}.dump();
    out.work_queued = work_queued_;
    return out;
}

}  // namespace

ReplyOutcome apply_replies(store::Tx& tx, const Prepared& p, const IntakePolicy& policy,
                           std::int64_t inbound_id, std::int64_t now) {
    return ReplyApplication(tx, p, policy, inbound_id, now).run();
}

}  // namespace cis::services
