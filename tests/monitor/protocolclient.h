// A monitor-protocol client for the tests: a real QLocalSocket that decodes, in order, every
// line the service sends, and sends what a test tells it to. It never waits by itself; tests
// wait with QTRY_*.
#pragma once

#include "lineframer.h"
#include "monitorprotocol.h"

#include <QList>
#include <QLocalSocket>
#include <QObject>
#include <QStringList>

class ProtocolClient : public QObject
{
    Q_OBJECT

public:
    explicit ProtocolClient(QObject *parent = nullptr);
    ~ProtocolClient() override;

    void connectTo(const QString &name);
    bool isConnected() const { return m_socket.state() == QLocalSocket::ConnectedState; }
    bool wasDisconnected() const { return m_disconnected; }

    void send(const hookme::monitor::Message &message);
    void sendRaw(const QByteArray &bytes);

    QList<hookme::monitor::Message> messages() const { return m_messages; }
    QStringList types() const; // the "type" of each message, in order
    // The messages of one type, in order.
    template <typename T> QList<T> received() const
    {
        QList<T> items;
        for (const hookme::monitor::Message &message : m_messages) {
            if (const T *item = std::get_if<T>(&message))
                items.append(*item);
        }
        return items;
    }
    // Lines that did not decode, with why.
    QStringList decodeErrors() const { return m_decodeErrors; }

private:
    void read();

    QLocalSocket m_socket;
    hookme::monitor::LineFramer m_framer { hookme::monitor::maxServiceLineBytes };
    QList<hookme::monitor::Message> m_messages;
    QStringList m_decodeErrors;
    bool m_disconnected = false;
};
