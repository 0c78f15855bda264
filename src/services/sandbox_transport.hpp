#pragma once
// The embedded default: nothing leaves the machine. "Delivery" stores the message in
// sandbox_messages, in the same transaction that marks it sent.
#include "services/transport.hpp"

namespace cis::services {

class SandboxTransport final : public Transport {
  public:
    std::string name() const override { return "sandbox"; }
    void deliver(const OutgoingItem& item, std::function<void(Proceed)> before_commit,
                 std::function<void(DeliveryOutcome)> done) override;
    void on_sent(store::Tx& tx, const OutgoingItem& item, std::int64_t now) override;
};

}  // namespace cis::services
