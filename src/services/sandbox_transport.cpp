#include "services/sandbox_transport.hpp"

#include "mail/inbound_message.hpp"

namespace cis::services {

void SandboxTransport::deliver(const OutgoingItem&, std::function<void(Proceed)>,
                               std::function<void(DeliveryOutcome)> done) {
    // Nothing to commit elsewhere: on_sent() stores the copy atomically with the state.
    done(DeliveryOutcome{DeliveryOutcome::Status::Sent, 250, "2.0.0", "captured by the sandbox"});
}

void SandboxTransport::on_sent(store::Tx& tx, const OutgoingItem& item, std::int64_t now) {
    const auto parsed = mail::parse_inbound(item.message);
    store::SandboxMessage m;
    m.outbox_id = item.job.id;
    m.kind = item.job.kind;
    m.event_id = item.job.event_id;
    m.env_from = item.job.env_from;
    m.rcpt = item.job.rcpt;
    m.from = parsed.from_address;
    m.to = item.job.rcpt;
    m.subject = parsed.subject;
    m.raw = item.message;
    m.created_at = now;
    tx.insert_sandbox(m);
}

}  // namespace cis::services
