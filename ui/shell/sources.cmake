target_sources(accel_ui PRIVATE
  shell/MainWindow.h shell/MainWindow.cpp
  shell/AboutDialog.h shell/AboutDialog.cpp
  shell/PlaceholderPanel.h shell/PlaceholderPanel.cpp
  shell/LanguageSettings.h shell/LanguageSettings.cpp
  shell/ConsoleRuntime.h shell/ConsoleRuntime.cpp
)
