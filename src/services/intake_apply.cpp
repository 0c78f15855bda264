#include <fmt/format.h>

#include <algorithm>

#include "core/address.hpp"
#include "itip/intake_rules.hpp"
#include "services/bounce_apply.hpp"
#include "services/bulk_mail.hpp"
#include "services/event_batch.hpp"
#include "services/event_import.hpp"
#include "services/ids.hpp"
#include "services/intake.hpp"
#include "services/intake_report.hpp"
#include "services/reply_apply.hpp"

namespace cis::services {

namespace {

using itip::Outcome;

// One message to create@, being applied inside the caller's transaction.
class Application {
  public:
    Application(store::Tx& tx, const Prepared& p, const IntakePolicy& policy, std::int64_t now)
        : tx_(tx), p_(p), policy_(policy), now_(now) {}

    IntakeResult run();

  private:
    std::optional<std::string> authorise();  // the reason when the sender may not act
    void apply_calendar(EventBatch& batch, const ical::ParsedCalendar& cal,
                        const mail::CalendarPart& part);
    void notify();

    store::Tx& tx_;
    const Prepared& p_;
    const IntakePolicy& policy_;
    const std::int64_t now_;
    store::InboundRecord rec_;
    store::Organizer organizer_;
    IntakeReport report_;
    std::string method_;
    bool bad_message_ = false;
};

std::optional<std::string> Application::authorise() {
    const auto& sender = p_.mail.from_address;
    const std::string trust =
        organizer_.trust == "default" ? (policy_.require_dkim ? "dkim" : "none") : organizer_.trust;
    if (trust == "dkim" || trust == "both") {
        if (!p_.dkim_checked)
            return fmt::format("DKIM is required for {} but could not be checked", sender);
        if (!p_.dkim_aligned) return "DKIM check failed: " + p_.dkim_reason;
    }
    if (trust == "secret" || trust == "both") {
        if (organizer_.secret.empty() || !constant_time_equal(p_.route.detail, organizer_.secret))
            return fmt::format(
                "{} must write to its secret address {}+<secret>@{}; the secret was missing or "
                "wrong",
                sender, policy_.mailboxes.create, policy_.domain);
    }
    return std::nullopt;
}

void Application::apply_calendar(EventBatch& batch, const ical::ParsedCalendar& cal,
                                 const mail::CalendarPart& part) {
    auto& warnings = batch.report().warnings;
    for (const auto& w : cal.warnings) warnings.push_back(w);
    if (!cal.error.empty()) {
        warnings.push_back(fmt::format("{}: {}", part.where, cal.error));
        return;
    }
    const itip::Method method = itip::effective_method(cal.calendar.method, part.method_param);
    if (method_.empty()) method_ = itip::to_string(method);
    batch.apply(method, cal.calendar);
}

void Application::notify() {
    queue_notification(tx_, report_, organizer_, p_.mail.from_name, policy_,
                       ImportNote{p_.mail.subject, p_.mail.message_id}, now_);
}

std::string no_calendar_reason(const mail::InboundMessage& m) {
    if (m.has_tnef)
        return "the message carries Outlook's winmail.dat (TNEF) instead of a calendar part; "
               "send the invitation from Outlook to an external address format (iCalendar), or "
               "ask the Exchange administrator to disable TNEF for this domain";
    if (!m.attachments.empty())
        return fmt::format(
            "no calendar was found in the message (its attachments: {}); invite "
            "the address from your calendar or attach an .ics file",
            fmt::join(m.attachments, ", "));
    return "no calendar was found in the message; invite this address from your calendar "
           "client (or attach an .ics file)";
}

IntakeResult Application::run() {
    const Delivery& d = p_.delivery;
    rec_.received_at = d.received_at;
    rec_.channel = d.channel;
    rec_.mailbox = to_string(p_.route.mailbox);
    rec_.rcpt = d.rcpt;
    rec_.mail_from = d.mail_from;
    rec_.remote = d.remote;
    rec_.from_address = p_.mail.from_address;
    rec_.subject = p_.mail.subject;
    rec_.message_id = p_.mail.message_id;
    rec_.sha256 = p_.sha256;
    rec_.id = tx_.insert_inbound(rec_, d.raw);
    rec_.processed_at = now_;

    IntakeResult result;
    result.inbound_id = rec_.id;
    const auto finish = [&](std::string status, std::string reason, bool notify_organizer) {
        if (!status.empty()) {
            report_.status = std::move(status);
            report_.reason = std::move(reason);
        }
        rec_.status = report_.status;
        rec_.reason = report_.reason;
        rec_.organizer = organizer_.email;
        rec_.event_ids = report_.event_ids();
        rec_.details = report_.details_json(method_);
        tx_.set_inbound_outcome(rec_);
        if (notify_organizer) notify();
        result.status = rec_.status;
        result.reason = rec_.reason;
        result.event_ids = rec_.event_ids;
        result.bad_message = bad_message_;
        result.notified = notify_organizer;
        return result;
    };

    if (p_.route.mailbox == Mailbox::Rsvp) {
        const ReplyOutcome r = apply_replies(tx_, p_, policy_, rec_.id, now_);
        rec_.status = r.status;
        rec_.reason = r.reason;
        rec_.event_ids = r.event_ids;
        if (!r.details_json.empty()) rec_.details = r.details_json;
        tx_.set_inbound_outcome(rec_);
        result.status = r.status;
        result.reason = r.reason;
        result.event_ids = r.event_ids;
        result.notified = r.work_queued;
        return result;
    }
    if (p_.route.mailbox == Mailbox::Bounce) {
        const BounceOutcome b = apply_bounce(tx_, p_, policy_, now_);
        rec_.status = result.status = b.status;
        rec_.reason = result.reason = b.reason;
        rec_.event_ids = result.event_ids = b.event_ids;
        tx_.set_inbound_outcome(rec_);
        return result;
    }
    if (p_.route.mailbox != Mailbox::Create && p_.route.mailbox != Mailbox::Bulk)
        return finish("stored",
                      fmt::format("kept for the {}@ processor, which this version does not run yet",
                                  rec_.mailbox),
                      false);
    const std::string& sender = p_.mail.from_address;
    if (sender.empty())
        return finish("rejected", "the message has no readable From: address", false);
    if (auto o = tx_.find_organizer(sender)) {
        organizer_ = *o;
    } else if (tx_.organizer_domain_allowed(domain_part(sender))) {
        organizer_.email = sender;
    } else {
        // No reply at all: the From: may be forged, and answering it would be backscatter.
        return finish("rejected",
                      fmt::format("{} is not a registered organizer (no reply was sent)", sender),
                      false);
    }
    if (auto why = authorise()) return finish("rejected", *why, true);
    if (p_.route.mailbox == Mailbox::Bulk) {
        // A list of invitees: a job for the bulk runner, whose result email is the answer;
        // a list that cannot be used is explained to the organizer now.
        const BulkMailOutcome b = accept_bulk_mail(tx_, p_, organizer_.email, rec_.id, now_);
        return finish(b.job_id ? "queued" : "rejected", b.reason, b.job_id == 0);
    }
    if (p_.calendars.empty() && p_.imports.empty()) {
        bad_message_ = true;
        return finish("rejected", no_calendar_reason(p_.mail), true);
    }
    EventBatch batch(tx_, organizer_, policy_, rec_.id, now_);
    for (std::size_t i = 0; i < p_.calendars.size(); ++i)
        apply_calendar(batch, p_.calendars[i], p_.mail.calendars[i]);
    for (const auto& file : p_.imports) apply_file(batch, file);
    report_ = std::move(batch.report());
    if (report_.events.empty()) {
        bad_message_ = true;
        std::string why = "the calendar contains no usable VEVENT";
        for (const auto& cal : p_.calendars)
            if (!cal.calendar.other_components.empty())
                why += fmt::format(" (it contains {})",
                                   fmt::join(cal.calendar.other_components, ", "));
        if (!report_.warnings.empty()) why += ": " + report_.warnings.front();
        return finish("rejected", why, true);
    }
    report_.summarise();
    return finish("", "", true);
}

}  // namespace

IntakeResult apply(store::Tx& tx, const Prepared& p, const IntakePolicy& policy, std::int64_t now) {
    return Application(tx, p, policy, now).run();
}

}  // namespace cis::services
