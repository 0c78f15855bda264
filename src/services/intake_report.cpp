#include "services/intake_report.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "mail/outgoing_message.hpp"

namespace cis::services {

std::vector<std::string> IntakeReport::event_ids() const {
    std::vector<std::string> ids;
    for (const auto& e : events)
        if (!e.event_id.empty() && std::find(ids.begin(), ids.end(), e.event_id) == ids.end())
            ids.push_back(e.event_id);
    return ids;
}

std::string IntakeReport::details_json(const std::string& method) const {
    nlohmann::json j;
    j["method"] = method;
    j["warnings"] = warnings;
    j["events"] = nlohmann::json::array();
    for (const auto& e : events)
        j["events"].push_back({{"uid", e.uid},
                               {"recurrence_id", e.recurrence_id},
                               {"outcome", itip::to_string(e.outcome)},
                               {"reason", e.reason},
                               {"event_id", e.event_id}});
    return j.dump();
}

void IntakeReport::summarise() {
    if (events.empty()) return;  // status and reason were set by the caller
    std::map<std::string, int> counts;
    for (const auto& e : events) ++counts[itip::to_string(e.outcome)];
    if (counts.size() == 1) {
        status = counts.begin()->first;
        reason = events.size() == 1 ? events.front().reason
                                    : fmt::format("{} events {}", events.size(), status);
        return;
    }
    status = "mixed";
    std::vector<std::string> parts;
    for (const auto& [name, n] : counts) parts.push_back(fmt::format("{} {}", n, name));
    reason = fmt::format("{} events: {}", events.size(), fmt::join(parts, ", "));
}

namespace {

std::string headline(itip::Outcome o) {
    switch (o) {
        case itip::Outcome::Created:
            return "Created";
        case itip::Outcome::Updated:
            return "Updated";
        case itip::Outcome::Reinstated:
            return "Reinstated";
        case itip::Outcome::Cancelled:
            return "Cancelled";
        case itip::Outcome::OccurrenceUpdated:
            return "Occurrence updated";
        case itip::Outcome::OccurrenceCancelled:
            return "Occurrence cancelled";
        case itip::Outcome::Unchanged:
            return "Unchanged";
        case itip::Outcome::Stale:
            return "Ignored (older version)";
        case itip::Outcome::Rejected:
            return "Rejected";
    }
    return "Processed";
}

std::string describe(const EventOutcome& e, const NotificationContext& ctx) {
    std::string out =
        fmt::format("{}: \"{}\"", headline(e.outcome), e.summary.empty() ? e.uid : e.summary);
    if (!e.start.local.empty())
        out += fmt::format(", starting {}{}", to_rfc3339(e.start),
                           e.timezone.empty() ? "" : " (" + e.timezone + ")");
    out += "\n  " + e.reason + ".";
    if (!e.event_id.empty())
        out += fmt::format("\n  Event id: {}\n  Link: {}/event/{}", e.event_id, ctx.public_url,
                           e.event_id);
    if (e.awaiting_approval) {
        out += fmt::format(
            "\n  Nothing is sent until this change is approved: POST {}/changes/{}/approve "
            "(or /reject).",
            ctx.public_url, e.change_id);
        return out;
    }
    switch (e.outcome) {
        case itip::Outcome::Updated:
        case itip::Outcome::Reinstated:
        case itip::Outcome::OccurrenceUpdated:
            out +=
                fmt::format("\n  {} attendee(s) who answered Yes or Maybe will receive the update.",
                            e.recipients);
            break;
        case itip::Outcome::Cancelled:
        case itip::Outcome::OccurrenceCancelled:
            out += fmt::format("\n  {} invitee(s) will receive the cancellation.", e.recipients);
            break;
        default:
            break;
    }
    if (e.outcome == itip::Outcome::Rejected || e.outcome == itip::Outcome::Stale)
        out += fmt::format("\n  UID: {}{}", e.uid,
                           e.recurrence_id.empty() ? "" : " (occurrence " + e.recurrence_id + ")");
    return out;
}

std::string subject_of(const IntakeReport& r, const NotificationContext& ctx) {
    if (r.events.empty()) return fmt::format("[CIS] Rejected: {}", ctx.subject);
    if (r.events.size() == 1) {
        const auto& e = r.events.front();
        return fmt::format("[CIS] {}: {}", headline(e.outcome),
                           e.summary.empty() ? e.uid : e.summary);
    }
    return fmt::format("[CIS] {}", r.reason);
}

// A batch import (a season of games) gets counts and its problems, not one paragraph
// per event: 2 500 paragraphs would bury the few rows that need the organizer's eye.
constexpr std::size_t kListedInFull = 10;
constexpr std::size_t kProblemsListed = 200;

std::string batch_summary(const IntakeReport& r, const NotificationContext& ctx) {
    std::string out = r.reason + ".\n\n";
    std::vector<const EventOutcome*> problems;
    std::int64_t recipients = 0;
    for (const auto& e : r.events) {
        if (e.outcome == itip::Outcome::Rejected || e.outcome == itip::Outcome::Stale)
            problems.push_back(&e);
        recipients += e.recipients;
    }
    if (recipients > 0)
        out += fmt::format("The changes queued {} message(s) to invitees.\n\n", recipients);
    if (!problems.empty()) {
        out += fmt::format("Not applied ({}):\n\n", problems.size());
        for (std::size_t i = 0; i < problems.size() && i < kProblemsListed; ++i)
            out += describe(*problems[i], ctx) + "\n\n";
        if (problems.size() > kProblemsListed)
            out += fmt::format("... and {} more not listed here.\n\n",
                               problems.size() - kProblemsListed);
    }
    out += fmt::format("Your events, newest first: {}/organizer/{}/events\n", ctx.public_url,
                       ctx.organizer_email);
    return out;
}

}  // namespace

std::string build_notification(const IntakeReport& r, const NotificationContext& ctx) {
    std::string body =
        fmt::format("Hello{},\n\nCIS processed your message \"{}\".\n\n",
                    ctx.organizer_name.empty() ? "" : " " + ctx.organizer_name, ctx.subject);
    if (r.events.empty()) body += fmt::format("It was not applied: {}.\n", r.reason);
    if (r.events.size() > kListedInFull)
        body += batch_summary(r, ctx);
    else
        for (const auto& e : r.events) body += describe(e, ctx) + "\n\n";
    if (!r.warnings.empty()) {
        body += "Notes on the calendar data:\n";
        for (const auto& w : r.warnings) body += "  - " + w + "\n";
    }
    body += fmt::format("\n-- \nCIS, the calendar invite server at {}\n", ctx.domain);

    mail::TextMessage m;
    m.from_name = "CIS";
    m.from_address = ctx.from_local + "@" + ctx.domain;
    m.to_name = ctx.organizer_name;
    m.to_address = ctx.organizer_email;
    m.subject = subject_of(r, ctx);
    m.text = body;
    m.in_reply_to = ctx.message_id;
    m.message_id_domain = ctx.domain;
    m.date = ctx.now;
    return mail::build_text_message(m);
}

}  // namespace cis::services
