#pragma once
// Which message of an event's life an invitation is (SPEC §3.2, §3.4).
namespace cis::imip {

enum class Kind {
    Invitation,    // METHOD:REQUEST, first time for this recipient
    Update,        // METHOD:REQUEST again: same UID, higher SEQUENCE, answer asked again
    Cancellation,  // METHOD:CANCEL, STATUS:CANCELLED
};

}  // namespace cis::imip
