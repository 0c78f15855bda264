#include "services/invitation_renderer.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>

#include "imip/invitation.hpp"
#include "services/unsubscribe.hpp"

namespace cis::services {

namespace {

std::optional<imip::Kind> kind_of(const std::string& job_kind) {
    if (job_kind == "invite" || job_kind == "resend") return imip::Kind::Invitation;
    if (job_kind == "update") return imip::Kind::Update;
    if (job_kind == "cancel") return imip::Kind::Cancellation;
    return std::nullopt;
}

// Templates per (event, SEQUENCE, kind, minute): a fan-out to thousands of recipients
// builds the expensive part once; DTSTAMP stays fresh to the minute.
class TemplateCache {
  public:
    std::shared_ptr<const imip::InvitationTemplate> get(
        const std::string& key, const std::function<imip::TemplateInput()>& input) {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(key); it != cache_.end()) return it->second;
        if (cache_.size() >= 512) cache_.clear();  // bounded; rebuilding is cheap enough
        auto t = std::make_shared<const imip::InvitationTemplate>(input());
        cache_.emplace(key, t);
        return t;
    }

  private:
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const imip::InvitationTemplate>> cache_;
};

}  // namespace

Renderer invitation_renderer(const RenderSettings& s) {
    auto cache = std::make_shared<TemplateCache>();
    return [s, cache](store::Tx& tx, const store::OutboxMessage& job,
                      std::string& why_not) -> std::optional<Rendered> {
        const auto kind = kind_of(job.kind);
        if (!kind || !job.invitee_id) {
            why_not =
                fmt::format("a {} job has no message and nothing to render it from", job.kind);
            return std::nullopt;
        }
        const auto event = tx.find_event_by_id(job.event_id);
        const auto invitee = tx.find_invitee_by_id(*job.invitee_id);
        if (!event || !invitee) {
            why_not = "the event or the invitee no longer exists";
            return std::nullopt;
        }
        if (*kind == imip::Kind::Invitation && event->fields.status == EventStatus::Cancelled) {
            why_not = "the event was cancelled before the invitation went out";
            return std::nullopt;
        }
        // An update or cancel carries its own version: when the event has moved on, the
        // newer version's fan-out has taken over (and superseded this if still queued).
        if (*kind != imip::Kind::Invitation && job.sequence && *job.sequence != event->sequence) {
            why_not = fmt::format("version {} of the event replaced version {}", event->sequence,
                                  *job.sequence);
            return std::nullopt;
        }
        // Unsubscribed, bounced or blocked since the job was queued (the fan-out leaves
        // suppressed addresses out, but an invitation may wait in the queue meanwhile).
        if (auto why = tx.suppression_reason(invitee->email, event->organizer)) {
            why_not = fmt::format("{} does not receive invitations: {}", invitee->email, *why);
            return std::nullopt;
        }
        const std::int64_t minute = std::time(nullptr) / 60 * 60;
        const std::string key = fmt::format("{}/{}/{}/{}", event->id, event->sequence,
                                            job.kind == "resend" ? "invite" : job.kind, minute);
        const auto tmpl = cache->get(key, [&] {
            imip::TemplateInput in(*event);
            in.kind = *kind;
            // A cancel of instances names them; the version's change record says which
            // (read once per template, not per recipient).
            if (*kind == imip::Kind::Cancellation)
                if (auto change = tx.find_change_by_sequence(event->id, event->sequence))
                    in.occurrences = change->occurrences;
            if (auto o = tx.find_organizer(event->organizer)) in.organizer_name = o->name;
            in.rsvp_address = s.rsvp_local + "@" + s.domain;
            in.dtstamp = minute;
            in.message_id_domain = s.domain;
            return in;
        });
        imip::Recipient r;
        r.email = invitee->email;
        r.name = invitee->name;
        r.uid = invitee->uid;
        // Someone an invitation was forwarded to holds the event under the forwarder's UID:
        // updates and cancels must name that copy, not one they never received.
        if (invitee->origin == "forwarded" && invitee->forwarded_from)
            if (auto from = tx.find_invitee_by_id(*invitee->forwarded_from)) r.uid = from->uid;
        r.unsubscribe_url = fmt::format("{}/unsubscribe/{}", s.public_url,
                                        unsubscribe_token(s.token_key, invitee->id));
        // Each resend is a message of its own; the first invitation's id is derived.
        if (job.kind == "resend") r.message_id_local = fmt::format("resend.{}", job.id);
        return Rendered{tmpl->render(r), tmpl->message_id(r)};
    };
}

}  // namespace cis::services
