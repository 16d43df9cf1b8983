// The monitor's connection to the service's monitor socket. It keeps connecting: after a
// failed attempt or a lost connection it tries again after a delay that starts at
// initialDelayMs and doubles up to maxDelayMs, and the delay starts over once a connection
// has delivered its snapshot.
//
// Guarantees: nothing here blocks (no waitFor*: every socket call is asynchronous, so it is
// safe in the GUI thread); messageReceived() passes on every decoded message in order; a line
// of an unknown type is skipped, as the protocol asks; a service that speaks another protocol
// version, or sends a line over monitor::maxServiceLineBytes, is disconnected from.
#pragma once

#include "lineframer.h"
#include "monitorprotocol.h"

#include <QLocalSocket>
#include <QObject>
#include <QTimer>

namespace hookme::monitorapp {

class MonitorConnection : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle,        // start() not called, or stop() was
        Connecting,  // connecting, or connected and waiting for the snapshot
        Connected,   // the snapshot arrived; events follow
        Waiting,     // the last attempt failed or the connection was lost; retrying soon
    };
    Q_ENUM(State)

    explicit MonitorConnection(const QString &socketName, QObject *parent = nullptr);
    ~MonitorConnection() override;

    void start();
    void stop();
    void setRetryDelays(int initialDelayMs, int maxDelayMs);

    State state() const { return m_state; }
    QString socketName() const { return m_socketName; }
    QString lastError() const { return m_lastError; }  // why the last connection ended
    int retryDelayMs() const { return m_retryDelayMs; }  // while Waiting: until the next try

    // Sends a command; false when not Connected (nothing is queued for later).
    bool send(const hookme::monitor::Command &command);

signals:
    void stateChanged(hookme::monitorapp::MonitorConnection::State state);
    void messageReceived(const hookme::monitor::Message &message);

private:
    void connectNow();
    void read();
    void lost(const QString &reason);
    void setState(State state);

    QString m_socketName;
    QLocalSocket m_socket;
    hookme::monitor::LineFramer m_framer { hookme::monitor::maxServiceLineBytes };
    QTimer m_retryTimer;
    State m_state = State::Idle;
    QString m_lastError;
    int m_initialDelayMs = 250;
    int m_maxDelayMs = 5'000;
    int m_retryDelayMs = 0;
    int m_nextDelayMs = 250;
};

} // namespace hookme::monitorapp
