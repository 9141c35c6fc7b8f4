#pragma once

#include "cluster/CoordinatorStore.h"

#include <QObject>

#include <memory>

/// The behaviour every CoordinatorStore must show (etcd's v3 semantics). A backend's test
/// derives from this class and supplies the fixture; Qt Test runs the inherited test slots.
/// An EtcdStore test only has to implement the four hooks against a real etcd.
class StoreContract : public QObject
{
    Q_OBJECT
protected:
    /// A fresh, empty, open store.
    virtual accel::CoordinatorStore *freshStore() = 0;
    /// Close and reopen the current store (same data); returns the reopened store.
    virtual accel::CoordinatorStore *reopenStore() = 0;
    /// Let leases age by ms and let the store act on expiries.
    virtual void advanceLeaseTime(qint64 ms) = 0;
    virtual void dropStore() = 0;

private Q_SLOTS:
    void cleanup() { dropStore(); }
    void putBumpsRevisionsAndVersion();
    void rangeHonoursPrefixOrderAndLimit();
    void deleteRangeRemovesOnlyTheRange();
    void txnCompares_data();
    void txnCompares();
    void casClaimsExactlyOnce();
    void failedTxnWritesNothing();
    void leaseExpiryDeletesKeysAndNotifiesWatchers();
    void keepAliveExtendsAndRevokedLeaseIsGone();
    void watchSeesOnlyItsPrefixInOrder();
    void watchReplaysFromRevision();
    void watchBeforeCompactionFails();
    void stateSurvivesReopen();
    void invalidArgumentsAreRejected();
};
