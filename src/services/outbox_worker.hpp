#pragma once
// Delivers the outbox: leases due jobs (several workers, even in several processes,
// share one database safely), renders calendar messages, hands them to the transport,
// and records each outcome with exponential back-off for temporary failures.
//
// Exactly once: a job is "sending" while leased and "committing" just before the
// transport's point of no return (SMTP's final dot). After a crash, "sending" jobs go
// back to the queue (the relay never got their final dot, so it kept nothing) and
// "committing" ones count as sent — a copy the relay accepted is never sent again.
//
// Several threads each run the lease-deliver-record cycle, so one batch is leased and
// rendered (and signed) while another is on the wire. Commit marks of all of them go
// through one group committer: one transaction for every message reaching its final dot
// at about the same time, instead of one each.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "services/transport.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"

namespace cis::services {

// Produces the message of a job whose `message` is empty (invitations are rendered at
// send time from the event as it is then). nullopt plus a reason: the job is obsolete.
struct Rendered {
    std::string message, message_id;
};
using Renderer = std::function<std::optional<Rendered>(store::Tx&, const store::OutboxMessage&,
                                                       std::string& why_not)>;

struct WorkerOptions {
    std::string owner;        // unique per process (host:pid); threads add ":n"
    std::size_t threads = 2;  // lease-deliver-record cycles running at once
    std::size_t batch = 128;  // jobs one thread leases at once
    std::int64_t lease_seconds = 300;
    double pace = 0;                // messages per second; 0 = as fast as the transport goes
    std::int64_t retry_base = 60;   // seconds before the first retry; doubles each time
    std::int64_t retry_max = 3600;  // longest wait between retries
    std::int64_t give_up_after = 3 * 86400;  // a temporary failure becomes permanent then
};

// Returns the header to prepend to a finished message (DKIM-Signature), or throws.
using Signer = std::function<std::string(std::string_view message)>;

class OutboxWorker {
  public:
    // `sign` may be empty (no DKIM signing).
    OutboxWorker(store::Store& store, Transport& transport, Renderer renderer, WorkerOptions opts,
                 Signer sign = {});
    ~OutboxWorker();  // stops and joins
    void start();
    void stop();
    void poke();  // new work was queued: look now rather than at the next tick

  private:
    void run(std::size_t index);
    // One lease-deliver-record cycle; false when nothing was due.
    bool round(const std::string& owner, bool recover);
    // Asks the committer to record the commit point of job `id`, then calls proceed.
    void mark_committing(std::int64_t id, const std::string& owner, Transport::Proceed proceed);
    void pace(std::size_t delivered);

    store::Store& store_;
    Transport& transport_;
    Renderer renderer_;
    WorkerOptions opts_;
    Signer sign_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false, poked_ = false;
    std::int64_t last_recovery_ = 0;  // used by thread 0 only
    std::unique_ptr<store::GroupCommitter> marks_;
    std::vector<std::thread> threads_;
};

}  // namespace cis::services
