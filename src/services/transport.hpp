#pragma once
// Where outgoing messages go: the sandbox (captured in the database) or an SMTP relay.
#include <functional>
#include <string>

#include "store/store.hpp"

namespace cis::services {

struct DeliveryOutcome {
    enum class Status { Sent, Deferred, Failed } status = Status::Sent;
    int code = 0;          // SMTP reply code; 0 when there was none (connection trouble)
    std::string enhanced;  // "5.1.1"
    std::string text;      // what the other side said, or what went wrong
};

struct OutgoingItem {
    store::OutboxMessage job;
    std::string message;  // the rendered RFC 5322 message, CRLF
};

class Transport {
  public:
    virtual ~Transport() = default;
    virtual std::string name() const = 0;
    // Before the point of no return (SMTP: the final dot), the transport calls
    // `before_commit` and waits for its `proceed(true)`: the worker first records that
    // the message is being committed, so that a crash never causes a second copy.
    using Proceed = std::function<void(bool proceed)>;
    virtual void deliver(const OutgoingItem& item, std::function<void(Proceed)> before_commit,
                         std::function<void(DeliveryOutcome)> done) = 0;
    // Inside the transaction that marks the message sent (the sandbox stores its copy
    // there, so capture and state can never disagree).
    virtual void on_sent(store::Tx&, const OutgoingItem&, std::int64_t /*now*/) {}
};

}  // namespace cis::services
