import { SlashCommandBuilder } from 'discord.js';

/** `/ask question:…`, registered globally at start-up (PUT /applications/{id}/commands). */
export const askCommand = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask understudy a question')
  .addStringOption((o) => o.setName('question').setDescription('What do you want to know?').setRequired(true).setMaxLength(1500));
