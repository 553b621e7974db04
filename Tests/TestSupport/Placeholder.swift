import GlobalConv
