#pragma once
// The production transport: an SMTP relay (Postfix, Amazon SES's SMTP interface, any ESP)
// through smtp::RelayClient, with the outbox's commit point just before the final dot.
#include <boost/asio/io_context.hpp>

#include "services/transport.hpp"
#include "smtp/client.hpp"

namespace cis::app {

class RelayTransport final : public services::Transport {
  public:
    RelayTransport(boost::asio::io_context& io, smtp::RelayOptions opts);
    std::string name() const override { return "smtp"; }
    void deliver(const services::OutgoingItem& item, std::function<void(Proceed)> before_commit,
                 std::function<void(services::DeliveryOutcome)> done) override;
    void close() { client_.close(); }

  private:
    smtp::RelayClient client_;
};

}  // namespace cis::app
