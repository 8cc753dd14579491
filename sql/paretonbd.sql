SELECT crm.paretonbd(0.553, 10.578, 0.606, 11.669);
