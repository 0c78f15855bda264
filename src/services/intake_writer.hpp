#pragma once
// Applies prepared inbound messages to the store. Many SMTP sessions finish DATA at
// once; committing each message on its own would cost one fsync per message, so they
// go through the GroupCommitter and each session is answered after its batch commits.
#include <functional>

#include "services/intake.hpp"
#include "store/group_commit.hpp"

namespace cis::services {

// Stores and decides one message in its own transaction (for `cis ingest`).
// Throws store::TemporaryError when the database cannot take it now.
IntakeResult process_now(store::Store& store, const Prepared& p, const IntakePolicy& policy,
                         std::int64_t now);

// Submits prepared messages to the shared group committer; each is applied in its own
// savepoint, and one whose processing fails is still stored raw with status "error".
class IntakeWriter {
  public:
    // ok == false: nothing was stored (temporary failure); the sender should retry.
    using Callback = std::function<void(bool ok, const IntakeResult& result)>;

    IntakeWriter(store::GroupCommitter& committer, IntakePolicy policy)
        : committer_(committer), policy_(std::move(policy)) {}

    void submit(Prepared p, Callback done);

  private:
    store::GroupCommitter& committer_;
    const IntakePolicy policy_;
};

}  // namespace cis::services
