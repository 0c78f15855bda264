#include "services/organizer_mail.hpp"

namespace cis::services {

std::int64_t queue_organizer_mail(store::Tx& tx, OrganizerMail mail, std::int64_t now) {
    store::OutboxMessage m;
    m.kind = std::move(mail.kind);
    m.event_id = std::move(mail.event_id);
    m.env_from = std::move(mail.env_from);
    m.rcpt = std::move(mail.rcpt);
    m.message = std::move(mail.message);
    m.created_at = now;
    m.next_attempt_at = 0;  // ahead of every queued invitation (claims go by due time)
    return tx.enqueue(m);
}

}  // namespace cis::services
