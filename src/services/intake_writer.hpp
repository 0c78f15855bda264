#pragma once
// Applies prepared inbound messages to the store. Many SMTP sessions finish DATA at
// once; committing each message on its own would cost one fsync per message, so a
// single writer thread commits them in batches (group commit) and then answers each
// session. Every message sits in a savepoint of its own: a failure in one never
// loses the others, and the failed one is still stored raw with status "error".
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "services/intake.hpp"

namespace cis::services {

// Stores and decides one message in its own transaction (for `cis ingest`).
// Throws store::TemporaryError when the database cannot take it now.
IntakeResult process_now(store::Store& store, const Prepared& p, const IntakePolicy& policy,
                         std::int64_t now);

class IntakeWriter {
  public:
    // ok == false: nothing was stored (temporary failure); the sender should retry.
    using Callback = std::function<void(bool ok, const IntakeResult& result)>;

    IntakeWriter(store::Store& store, IntakePolicy policy, std::size_t max_batch = 256);
    ~IntakeWriter();  // finishes what was submitted, then stops
    IntakeWriter(const IntakeWriter&) = delete;
    IntakeWriter& operator=(const IntakeWriter&) = delete;

    void submit(Prepared p, Callback done);

  private:
    struct Item {
        Prepared prepared;
        Callback done;
        IntakeResult result;
    };
    void loop();
    void commit(std::deque<Item>& batch);

    store::Store& store_;
    const IntakePolicy policy_;
    const std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace cis::services
