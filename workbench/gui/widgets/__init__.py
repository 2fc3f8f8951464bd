"""Small widgets and layouts that several workspaces use: a wrapping row of buttons, a message line, a column
that scrolls on a small screen, a label that gives up its width, a number box that takes "1.5" and "1,5" alike,
and a whole-number box that rounds them and says so."""
