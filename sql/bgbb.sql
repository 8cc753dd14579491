SELECT crm.bgbb(1.204, 0.750, 0.657, 2.783);
