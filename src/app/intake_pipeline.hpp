#pragma once
// The one path every message takes inside `cis serve`, whichever door it came through
// (the SMTP listener, POST /inbound): recipients are routed to mailboxes, the message is
// prepared on the worker pool (MIME, iCalendar and DKIM take time, and a DNS lookup may
// block) and committed by the IntakeWriter, one stored copy per recipient mailbox. The
// caller hears back only once every copy is on disk. (`cis ingest`, a process of its
// own, runs the same prepare and apply in one transaction: services::process_now.)
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dkim/dkim.hpp"
#include "services/intake_writer.hpp"

namespace cis::app {

struct InboundEnvelope {
    std::string channel;             // "smtp", "http": kept with each stored copy
    std::string mail_from;           // envelope sender; "" for the null sender
    std::vector<std::string> rcpts;  // each one accepted by IntakePipeline::route
    std::string remote;              // the peer that handed the message over
};

struct IntakeOutcome {
    enum class Kind {
        kStored,           // every copy is on disk with its outcome
        kDkimTemporary,    // a DKIM key could not be fetched now: the sender should retry
        kStoreUnavailable  // the database could not take it now: the sender should retry
    };
    Kind kind = Kind::kStored;
    std::string dkim_reason;  // kDkimTemporary
    // The copies that were stored, in recipient order (all of them for kStored; on a
    // temporary failure with several recipients, possibly some).
    std::vector<std::pair<std::string, services::IntakeResult>> stored;  // (rcpt, result)
};

class IntakePipeline {
  public:
    IntakePipeline(services::IntakePolicy policy, store::Store& store,
                   services::IntakeWriter& writer, const dkim::Verifier& verifier,
                   boost::asio::thread_pool& workers);

    // The mailbox a recipient names; nullopt for anything that is not ours (550 5.1.1).
    std::optional<services::Route> route(const std::string& rcpt) const;

    const services::IntakePolicy& policy() const { return policy_; }

    // Returns at once; `done` is called exactly once, from another thread.
    void deliver(InboundEnvelope env, std::string message, std::function<void(IntakeOutcome)> done);

  private:
    const services::IntakePolicy policy_;
    store::Store& store_;
    services::IntakeWriter& writer_;
    const dkim::Verifier& verifier_;
    boost::asio::thread_pool& workers_;
};

}  // namespace cis::app
