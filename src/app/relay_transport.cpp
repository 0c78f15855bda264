#include "app/relay_transport.hpp"

namespace cis::app {

RelayTransport::RelayTransport(boost::asio::io_context& io, smtp::RelayOptions opts)
    : client_(io, std::move(opts)) {}

void RelayTransport::deliver(const services::OutgoingItem& item,
                             std::function<void(Proceed)> before_commit,
                             std::function<void(services::DeliveryOutcome)> done) {
    using Status = services::DeliveryOutcome::Status;
    client_.send(smtp::RelayEnvelope{item.job.env_from, item.job.rcpt}, item.message,
                 std::move(before_commit), [done = std::move(done)](smtp::DeliveryResult r) {
                     const Status s = r.status == smtp::DeliveryResult::Status::Sent ? Status::Sent
                                      : r.status == smtp::DeliveryResult::Status::Deferred
                                          ? Status::Deferred
                                          : Status::Failed;
                     std::string text = r.text;
                     if (!r.stage.empty() && s != Status::Sent) text += " (at " + r.stage + ")";
                     done(services::DeliveryOutcome{s, r.code, r.enhanced, std::move(text)});
                 });
}

}  // namespace cis::app
