#pragma once

#include <QWidget>

namespace accel::ui {

/// A dock body for a panel that a later part of the console fills. Says what will be there so an
/// operator never mistakes an empty panel for a broken one.
class PlaceholderPanel : public QWidget
{
    Q_OBJECT
public:
    PlaceholderPanel(const QString &title, const QString &explanation, QWidget *parent = nullptr);
};

} // namespace accel::ui
